import XCTest

final class PlaceholderFieldsyncCentralTests: XCTestCase {
    func testNothing() {}
}
