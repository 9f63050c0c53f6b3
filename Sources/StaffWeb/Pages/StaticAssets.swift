/// The workspace's one style sheet and one small script, compiled in: nothing to install, nothing to go stale.
enum StaticAssets {
    /// Readable on a laptop and a phone: one column under 60 em, system fonts, visible focus for the keyboard.
    static let style = """
        :root { color-scheme: light dark; --accent: #0b5cad; --bad: #b00020; --warn: #8a5300; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; }
        header.top { display: flex; gap: 1em; align-items: center; justify-content: space-between;
          padding: .5em 1em; border-bottom: 1px solid #8884; }
        header.top a { margin-right: .8em; } .brand { font-weight: 700; }
        main { padding: 1em; max-width: 110em; margin: auto; }
        a { color: var(--accent); } :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        h1 { font-size: 1.4em; margin: .2em 0 .6em; } h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
        table { border-collapse: collapse; width: 100%; } caption { text-align: left; color: #888; padding: .3em 0; }
        th, td { text-align: left; padding: .35em .5em; border-bottom: 1px solid #8883; vertical-align: top; }
        tr.breached td.left { color: var(--bad); font-weight: 700; }
        tr.critical td:first-child { border-left: 4px solid var(--bad); }
        .critical { color: var(--bad); font-weight: 700; } .breached { color: var(--bad); font-weight: 700; }
        .missing { color: var(--warn); font-weight: 600; }
        ul.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .5em 1.2em; padding: 0; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: end; margin-bottom: 1em; }
        label { display: block; margin: .3em 0 .1em; } label.check, form.filters label { display: inline-block; }
        input, select, textarea, button { font: inherit; } textarea { width: 100%; }
        button { padding: .3em .9em; margin-top: .3em; } button.danger { color: var(--bad); }
        .columns { display: grid; grid-template-columns: minmax(0, 1fr) 22em; gap: 2em; }
        @media (max-width: 60em) { .columns { grid-template-columns: 1fr; } td.subject { min-width: 10em; } }
        dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
        dl.summary dt { color: #888; } dl.summary dd { margin: 0; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
        article.mail { border: 1px solid #8884; border-radius: 4px; padding: .6em .8em; margin: .6em 0; }
        article.mail.out { border-left: 4px solid var(--accent); } article.mail h3 { font-size: 1em; margin: 0; }
        .mail-subject { color: #888; margin: .2em 0 .5em; }
        figure.shot { margin: .6em 0; } figure.shot img { max-width: 100%; height: auto; border: 1px solid #8884; }
        .source { color: #888; font-size: .9em; } .notice { color: #0a6b2d; } .problem { color: var(--bad); }
        ol.events { padding-left: 1.2em; } .live { background: #ffe9a8; color: #000; padding: .3em .6em; }
        form.login { max-width: 22em; }
        """

    /// Server-sent events: when a ticket arrives, the queue's table is fetched again and swapped in place (the
    /// filters in the address bar apply), and a line says which ticket came. Without it the page simply stays.
    static let live = """
        "use strict";
        (() => {
          const table = document.getElementById("queue") || document.querySelector("p.empty");
          if (!table || !window.EventSource) return;
          const events = new EventSource("/events");
          events.addEventListener("ticket", async (event) => {
            const response = await fetch(location.href, { credentials: "same-origin" });
            if (!response.ok) return;
            const page = new DOMParser().parseFromString(await response.text(), "text/html");
            const fresh = page.getElementById("queue") || page.querySelector("p.empty");
            const current = document.getElementById("queue") || document.querySelector("p.empty");
            if (fresh && current) current.replaceWith(fresh);
            const counts = page.querySelector("ul.counts");
            if (counts) document.querySelector("ul.counts").replaceWith(counts);
            const live = document.getElementById("live");
            live.textContent = "New ticket " + event.data;
            live.hidden = false;
          });
        })();
        """
}
