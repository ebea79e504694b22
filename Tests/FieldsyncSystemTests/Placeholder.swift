import XCTest

final class PlaceholderFieldsyncSystemTests: XCTestCase {
    func testNothing() {}
}
