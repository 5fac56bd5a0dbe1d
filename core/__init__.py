"""Foundation: settings, errors, plain data types and the Vietnamese text rules; imports nothing of the project."""
