import FieldsyncProtocol

extension JSONValue {
    /// An exact number, written with at most `maxPlaces` decimals (rounded half-up).
    public static func number(_ value: Exact, maxPlaces: Int = 6) -> JSONValue {
        .number(value.plainString(maxPlaces: maxPlaces))
    }
}
