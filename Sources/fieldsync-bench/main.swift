import FieldsyncKit
print("bench")
