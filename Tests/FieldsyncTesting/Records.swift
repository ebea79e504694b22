/// Records for the test scheme. Every call numbers its ids from `first`, so records are
/// distinct across files as long as the ranges do not overlap.
package enum Records {
    package static let csvHeader = "id,kind,period,unit,indicator,value,observed_at\n"

    /// Reports for `unit` (what that unit's reporter may submit), as CSV.
    package static func reportsCSV(unit: String, prefix: String, count: Int) -> String {
        var text = csvHeader
        for i in 0 ..< count {
            text += "\(prefix)-\(i),report,2026,\(unit),siren.fixed,\(i % 3),2026-11-20\n"
        }
        return text
    }

    /// Spot-checks for both units and both indicators (inspectors), as CSV.
    package static func spotchecksCSV(prefix: String, count: Int) -> String {
        var text = csvHeader
        text.reserveCapacity(count * 56)
        for i in 0 ..< count {
            let unit = i % 2 == 0 ? "shouning" : "fuan"
            let indicator = i % 4 < 2 ? "siren.fixed" : "duty.24h"
            let value = indicator == "duty.24h" ? "1" : "\(i % 3)"
            text += "\(prefix)-\(i),spotcheck,2026,\(unit),\(indicator),\(value),2026-11-20\n"
        }
        return text
    }

    /// One report as a JSON object.
    package static func reportJSON(unit: String, id: String) -> String {
        #"{"id": "\#(id)", "kind": "report", "period": "2026", "unit": "\#(unit)", "indicator": "siren.fixed", "value": 2, "observed_at": "2026-11-20"}"#
    }
}
