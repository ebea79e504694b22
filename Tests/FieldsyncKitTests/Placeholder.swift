import XCTest

final class PlaceholderFieldsyncKitTests: XCTestCase {
    func testNothing() {}
}
