import Foundation

/// Real spreadsheet programs writing the `.xlsx` files the tests drop: LibreOffice Calc
/// (Debian's `libreoffice-calc`, headless), which writes shared strings, styles and
/// dates as Excel does — not a zip made by hand.
package enum SpreadsheetProducer {
    /// `csv` opened and saved as `.xlsx` by LibreOffice, as a clerk's "save as" would:
    /// numbers become number cells, ISO dates date cells.
    package static func libreOffice(csv: String) throws -> [UInt8] {
        try convert(Array(csv.utf8), name: "sheet.csv", filter: ["--infilter=CSV:44,34,76,1"])
    }

    /// A workbook opened and saved again by LibreOffice, as a clerk's "save" would.
    package static func libreOffice(xlsx: [UInt8]) throws -> [UInt8] {
        try convert(xlsx, name: "sheet.xlsx", filter: [], into: "resaved")
    }

    private static func convert(_ bytes: [UInt8], name: String, filter: [String], into out: String = "") throws -> [UInt8] {
        let dir = NSTemporaryDirectory() + "libreoffice-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeFile(dir + "/" + name, bytes)
        // Its own profile: LibreOffice run as root, or twice at once, needs one each.
        let run = try runProgram(["soffice", "--headless", "-env:UserInstallation=file://\(dir)/profile"] + filter
            + ["--convert-to", "xlsx", "--outdir", dir + "/out", dir + "/" + name])
        guard run.status == 0, let data = FileManager.default.contents(atPath: dir + "/out/sheet.xlsx") else {
            throw TestSetupError("LibreOffice did not convert \(name) (apt-get install libreoffice-calc)")
        }
        return Array(data)
    }
}
