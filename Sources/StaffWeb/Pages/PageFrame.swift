/// The frame every page shares: document head, the top bar with the signed-in staff member, and `main`.
/// Semantic HTML (landmarks, headings, labels) so screen readers and the keyboard get around without scripts.
struct PageFrame {
    /// The signed-in staff member, nil on the login page.
    var staffName: String?
    var csrf: String?

    func render(title: String, body: HTML, live: Bool = false) -> HTML {
        var top: HTML = ""
        if let staffName, let csrf {
            top = """
                <nav aria-label="Main"><a href="/" class="brand">helpdeskd</a> <a href="/">Queue</a></nav>
                <form method="post" action="/logout" class="logout"><span>\(staffName)</span>
                <input type="hidden" name="csrf" value="\(csrf)"><button type="submit">Log out</button></form>
                """
        } else {
            top = #"<span class="brand">helpdeskd</span>"#
        }
        let script: HTML = live ? #"<script src="/static/live.js" defer></script>"# : ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · helpdeskd</title>
            <link rel="stylesheet" href="/static/style.css">\(script)</head>
            <body><header class="top">\(top)</header>
            <main id="main">\(body)</main></body></html>
            """
    }
}
