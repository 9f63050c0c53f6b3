public import MIME

/// Reads when a screenshot was taken from the file name operating systems give it:
/// `Screenshot 2024-11-11 at 10.32.15.png` (macOS), `Screenshot_20241111-103215.png` (Android),
/// `Снимок экрана 2024-11-11 103215.png`, `Screenshot from 2024-11-11 10-32-15.png` (GNOME).
/// The name is in local time: the email's zone is assumed.
public enum ScreenshotName {
    public static func timestamp(in filename: String, reference: MessageDate?) -> Int64? {
        // WhatsApp names a saved image by day and counter ("IMG-20261202-WA0007.jpg"): no time of day.
        if let wa = filename.lowercased().firstRange(of: "-wa"),
            filename.lowercased()[wa.upperBound...].first?.isNumber == true
        {
            return nil
        }
        let digitsOnly = filename.map { $0.isASCII && $0.isNumber ? $0 : " " }
        let groups = String(digitsOnly).split(separator: " ").map(String.init)
        var date: (Int, Int, Int)? = nil
        var timeDigits = ""
        var timeGroups: [String] = []
        var index = 0
        while index < groups.count {
            let group = groups[index]
            if date == nil {
                if group.count == 8, let value = Int(group) {
                    // 20241111
                    date = (value / 10_000, value / 100 % 100, value % 100)
                } else if group.count == 14, let value = Int(group.prefix(8)) {
                    // 20241111103215
                    date = (value / 10_000, value / 100 % 100, value % 100)
                    timeDigits = String(group.suffix(6))
                } else if group.count == 4, index + 2 < groups.count, groups[index + 1].count == 2,
                    groups[index + 2].count == 2, let year = Int(group), let month = Int(groups[index + 1]),
                    let day = Int(groups[index + 2])
                {
                    date = (year, month, day)
                    index += 2
                }
            } else if timeDigits.isEmpty, timeGroups.count < 3 {
                timeGroups.append(group)
            }
            index += 1
        }
        // The time is one run ("103215", "1032") or separate numbers ("10.32.15", "1.05.00 PM").
        if timeDigits.isEmpty, let first = timeGroups.first, first.count >= 4 { timeDigits = first }
        var hour = 0
        var minute = 0
        var second = 0
        if timeDigits.count >= 4 {
            let digits = Array(timeDigits.prefix(6))
            hour = Int(String(digits[0..<2])) ?? 99
            minute = Int(String(digits[2..<4])) ?? 99
            second = digits.count >= 6 ? Int(String(digits[4..<6])) ?? 0 : 0
        } else if timeGroups.count >= 2, timeGroups[0].count <= 2, timeGroups[1].count == 2 {
            hour = Int(timeGroups[0]) ?? 99
            minute = Int(timeGroups[1]) ?? 99
            second = timeGroups.count == 3 && timeGroups[2].count == 2 ? Int(timeGroups[2]) ?? 0 : 0
        } else {
            return nil
        }
        guard let (year, month, day) = date, (2000...2100).contains(year),
            CivilCalendar.isValid(year: year, month: month, day: day)
        else { return nil }
        let lower = filename.lowercased()
        if lower.includes(" pm") || lower.includes("\u{202F}pm"), hour < 12 { hour += 12 }
        if lower.includes(" am") || lower.includes("\u{202F}am"), hour == 12 { hour = 0 }
        guard hour < 24, minute < 60, second < 60 else { return nil }
        let offset = Int64(reference?.utcOffsetSeconds ?? 0)
        return CivilCalendar.daysSince1970(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - offset
    }
}
