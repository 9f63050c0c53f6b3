public import MIME

/// What screenshots' text adds to a report: the fields the reporter's own words lacked.
extension IncidentExtractor {
    /// One screenshot and what OCR recognised in it.
    public struct ScreenshotText: Sendable {
        public var screenshot: Screenshot
        public var text: RecognisedText

        public init(screenshot: Screenshot, text: RecognisedText) {
            self.screenshot = screenshot
            self.text = text
        }
    }

    /// `report` with each field it lacks filled from the screenshots, first image first (`ScreenshotFields`'
    /// checks). What the reporter typed always wins: a field already present is never replaced. Values read from
    /// pixels are probable, never sure (`FieldSource.isSure` false): the answer shows them back to the reporter.
    /// `reference` is the email's Date.
    public func filling(
        _ report: IncidentReport, from texts: [ScreenshotText], reference: MessageDate?, minimumConfidence: Double = 80
    ) -> IncidentReport {
        var report = report
        let reader = ScreenshotFields(profile: profile, minimumConfidence: minimumConfidence)
        for shot in texts {
            let name = shot.screenshot.filename ?? "image \(shot.screenshot.part)"
            for finding in reader.read(shot.text, reference: reference, isCandidateServer: isCandidateServer) {
                guard !report.has(finding.field) else { continue }
                let source = FieldSource(
                    kind: .screenshot, detail: name + ", " + finding.rule, line: finding.line, isSure: false)
                if finding.field == .detectedAt {
                    report.detectedAt = finding.seconds
                } else {
                    report.values[finding.field] = finding.value
                    if finding.field == .userID, report.userIDs.isEmpty { report.userIDs = [finding.value] }
                }
                report.sources[finding.field] = source
            }
        }
        report.missing = profile.required.filter { !report.has($0) }
        return report
    }
}
