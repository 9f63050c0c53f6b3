/// Top-level domains a bare host name ("proctor.uni.example.edu" without "https://") must end with to count as a
/// server: every two-letter country code in use and the common generic ones. "ivanova.ea" or "k.alhashimi" (a
/// login written in a sentence) are no hosts. Hosts in URLs and after a label are not held to it.
enum TopLevelDomains {
    static let known: Set<String> = [
        "ac", "academy", "ad", "ae", "aero", "af", "ag", "agency", "ai", "al", "am", "amsterdam", "ao", "app", "aq",
        "ar", "as", "asia", "at", "au", "aw", "ax", "az", "ba", "barcelona", "bayern", "bb", "bd", "be", "berlin",
        "bf", "bg", "bh", "bi", "biz", "bj", "blog", "bm", "bn", "bo", "bq", "br", "brussels", "bs", "bt",
        "business", "bw", "by", "bz", "ca", "capital", "care", "cat", "cc", "cd", "center", "centre", "cf", "cg",
        "ch", "ci", "ck", "cl", "click", "cloud", "club", "cm", "cn", "co", "college", "com", "company",
        "consulting", "coop", "courses", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dev", "digital", "dj",
        "dk", "dm", "do", "dz", "ec", "edu", "education", "ee", "eg", "email", "er", "es", "et", "eu", "eus", "exam",
        "exams", "expert", "fi", "finance", "fit", "fj", "fk", "fm", "fo", "foundation", "fr", "ga", "gal", "gb",
        "gd", "ge", "gf", "gg", "gh", "gi", "gl", "global", "gm", "gmbh", "gn", "gov", "gp", "gq", "gr", "group",
        "gs", "gt", "gu", "gw", "gy", "hamburg", "health", "healthcare", "help", "hk", "hm", "hn", "host", "hr",
        "ht", "hu", "id", "ie", "il", "im", "in", "info", "institute", "int", "international", "io", "iq", "ir",
        "is", "istanbul", "it", "je", "jm", "jo", "jobs", "jp", "ke", "kg", "kh", "ki", "km", "kn", "koeln", "kp",
        "kr", "kw", "ky", "kz", "la", "law", "lb", "lc", "legal", "li", "life", "link", "live", "lk", "london", "lr",
        "ls", "lt", "lu", "lv", "ly", "ma", "madrid", "mc", "md", "me", "media", "mg", "mh", "mil", "mk", "ml", "mm",
        "mn", "mo", "mobi", "moscow", "mp", "mq", "mr", "ms", "mt", "mu", "museum", "mv", "mw", "mx", "my", "mz",
        "na", "name", "nc", "ne", "net", "network", "news", "nf", "ng", "ni", "nl", "no", "np", "nr", "nrw", "nu",
        "nyc", "nz", "om", "one", "online", "org", "pa", "page", "paris", "pe", "pf", "pg", "ph", "pk", "pl", "pm",
        "pn", "pr", "pro", "ps", "pt", "pw", "py", "qa", "quebec", "re", "ro", "rs", "ru", "rw", "sa", "sb", "sc",
        "school", "science", "scot", "sd", "se", "services", "sg", "sh", "shop", "si", "site", "sk", "sl", "sm",
        "sn", "so", "solutions", "space", "sr", "ss", "st", "store", "study", "su", "support", "sv", "swiss", "sx",
        "sy", "systems", "sz", "tc", "td", "tech", "tel", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to",
        "today", "tokyo", "tools", "top", "tr", "training", "travel", "tt", "tv", "tw", "tz", "ua", "ug", "uk",
        "university", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi", "vn", "vu", "wales", "web", "website", "wf",
        "wien", "works", "world", "ws", "xyz", "ye", "yt", "za", "zm", "zone", "zw",
    ]
}
