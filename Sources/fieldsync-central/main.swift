import FieldsyncCentral
print("central")
