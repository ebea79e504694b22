import FieldsyncKit
print("fieldsync")
