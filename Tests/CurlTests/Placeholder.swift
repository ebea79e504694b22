import XCTest

final class PlaceholderCurlTests: XCTestCase {
    func testNothing() {}
}
