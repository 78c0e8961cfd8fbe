"""Resource package marker: lets an installed crmplay find this folder with importlib.resources."""
