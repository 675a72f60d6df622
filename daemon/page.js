/*
 * page.js: keeps the status page live (embedded by page.c). The table
 * the server rendered stays usable without this. Each message of the
 * event stream (relative URL "events") means something changed: the
 * status document ("status.json") is fetched again, at most every 250 ms
 * however many events come, and the table body is drawn again from it
 * with the same columns page.c renders. Times up or down tick every
 * second; usage is fetched again every 5 seconds. A token given to the
 * page as ?token= goes along (EventSource cannot send a header).
 */
"use strict";
(function () {
	var DASH = "\u2013", MIN_GAP = 250, USAGE_EVERY = 5000;
	var body = document.getElementById("nodes");
	var live = document.getElementById("live");
	var stamp = document.getElementById("stamp");
	var token = new URLSearchParams(location.search).get("token");
	var query = token ? "?token=" + encodeURIComponent(token) : "";
	/* The server's clock minus ours, so that "up 3m" agrees with it. */
	var skew = Number(document.body.getAttribute("data-now")) - Date.now();
	var last = 0, timer = null, busy = false, again = false, es = null;

	function now() { return Date.now() + skew; }

	/* "5s", "2m13s", "1h02m", "3d04h", as arborctl status. */
	function duration(ms) {
		var s = Math.max(0, Math.floor(ms / 1000));
		function two(n) { return (n < 10 ? "0" : "") + n; }
		if (s < 60)
			return s + "s";
		if (s < 3600)
			return Math.floor(s / 60) + "m" + two(s % 60) + "s";
		if (s < 86400)
			return Math.floor(s / 3600) + "h" +
			    two(Math.floor(s % 3600 / 60)) + "m";
		return Math.floor(s / 86400) + "d" +
		    two(Math.floor(s % 86400 / 3600)) + "h";
	}

	/* "512B", "12.3M", "2.0G". */
	function bytes(v) {
		var units = "KMGT", u = -1;
		while (v >= 1024 && u < 3) {
			v /= 1024;
			u++;
		}
		if (u < 0)
			return v + "B";
		return (v < 10 ? v.toFixed(1) : v.toFixed(0)) + units[u];
	}

	function up(state) {
		return state === "running" || state === "starting" ||
		    state === "stopping";
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = text;
		return e;
	}

	/* A cell with a phone label; "none" when it has nothing to say. */
	function cell(cls, label, text) {
		var td = el("td", cls, text === null ? DASH : text);
		if (label)
			td.setAttribute("data-l", label);
		if (text === null)
			td.classList.add("none");
		return td;
	}

	function tick(td) {
		var since = Number(td.getAttribute("data-since"));
		if (since > 0)
			td.textContent = (td.getAttribute("data-up") === "1" ?
			    "up " : "down ") + duration(now() - since);
	}

	/* The row of node N; GLYPHS: its tree prefix. */
	function row(n, glyphs) {
		var tr = el("tr", "x-" + n.state), td, slash, since, t;
		tr.setAttribute("data-path", n.path);
		td = el("td", "n");
		td.title = n.path;
		td.appendChild(el("span", "g", glyphs));
		slash = n.path.lastIndexOf("/");
		td.appendChild(el("span", "pp", n.path.slice(0, slash + 1)));
		td.appendChild(document.createTextNode(n.path.slice(slash + 1)));
		tr.appendChild(td);
		tr.appendChild(cell("k", null, n.pool ? "pool \u00d7" +
		    n.instances + (n.instances_configured &&
		    n.instances_configured !== n.instances ?
		    " (configured " + n.instances_configured + ")" : "") :
		    n.node));
		td = cell("st", null, "");
		td.appendChild(el("span", "s s-" + n.state, n.state));
		tr.appendChild(td);
		tr.appendChild(cell("p", "pid", n.pid === null ? null :
		    String(n.pid)));
		since = n.since ? Date.parse(n.since) : 0;
		td = cell("u", null, since ? "" : null);
		if (since) {
			td.setAttribute("data-since", String(since));
			td.setAttribute("data-up", up(n.state) ? "1" : "0");
			tick(td);
		}
		tr.appendChild(td);
		td = cell("r", "restarts", String(n.restarts));
		td.setAttribute("data-total", String(n.restarts));
		td.title = n.restarts_period + " in the intensity period";
		if (n.restarts_period > 0)
			td.appendChild(el("span", "dim", " (" +
			    n.restarts_period + " recent)"));
		tr.appendChild(td);
		td = cell("h", "health", n.health ? "" : null);
		if (n.health) {
			td.appendChild(el("span", "s h-" + n.health, n.health));
			if (n.health_checked)
				td.appendChild(document.createTextNode(" " +
				    duration(now() - Date.parse(n.health_checked)) +
				    " ago"));
		}
		tr.appendChild(td);
		tr.appendChild(cell("c", "cpu", n.cpu_permille === null ||
		    n.cpu_permille === undefined ? null :
		    (n.cpu_permille / 10).toFixed(1) + "%"));
		td = cell("m", "mem", n.memory_bytes === null ? null :
		    bytes(n.memory_bytes));
		if (n.memory_peak_bytes !== null)
			td.title = "peak " + bytes(n.memory_peak_bytes);
		tr.appendChild(td);
		t = n.last_error || "";
		if (up(n.state) && n.health_error && n.health_failures > 0)
			t = "health: " + n.health_error + " (" +
			    n.health_failures + " failed in a row)";
		td = el("td", "e" + (up(n.state) && !n.health_failures ?
		    " dim" : ""), t);
		if (t)
			td.setAttribute("data-l", "last error");
		tr.appendChild(td);
		return tr;
	}

	/* Rows for N and its subtree, depth first, as arborctl draws it. */
	function rows(n, out, indent, isLast, top) {
		out.push(row(n, top ? "" : indent + (isLast ? "\u2514\u2500 " :
		    "\u251c\u2500 ")));
		var kids = n.children || [];
		var next = top ? "" : indent + (isLast ? "   " : "\u2502  ");
		for (var i = 0; i < kids.length; i++)
			rows(kids[i], out, next, i === kids.length - 1, false);
	}

	function render(doc) {
		var out = [], frag = document.createDocumentFragment();
		if (doc && doc.path)
			rows(doc, out, "", true, true);
		out.forEach(function (tr) { frag.appendChild(tr); });
		body.replaceChildren(frag);
		stamp.textContent = new Date(now()).toISOString()
		    .replace("T", " ").replace(/\.\d+Z$/, " UTC");
	}

	function status(on, text) {
		live.className = on ? "on" : "off";
		live.textContent = text;
	}

	/* Fetch status.json and draw it; one at a time, again if asked. */
	function refresh() {
		timer = null;
		if (busy) {
			again = true;
			return;
		}
		busy = true;
		last = Date.now();
		fetch("status.json" + query, { cache: "no-store" })
		    .then(function (r) {
			if (!r.ok)
				throw new Error("status.json: " + r.status);
			return r.json();
		    })
		    .then(render)
		    .catch(function () { status(false, "status unavailable"); })
		    .then(function () {
			busy = false;
			if (again) {
				again = false;
				soon();
			}
		    });
	}

	/* Something changed: refresh, but not more often than MIN_GAP. */
	function soon() {
		if (timer !== null)
			return;
		timer = setTimeout(refresh,
		    Math.max(0, MIN_GAP - (Date.now() - last)));
	}

	function connect() {
		es = new EventSource("events" + query);
		es.onopen = function () {
			status(true, "live");
			soon();
		};
		es.onmessage = soon;
		es.onerror = function () {
			status(false, "disconnected, retrying");
			/* Refused (not 200): EventSource gives up; we do not. */
			if (es.readyState === EventSource.CLOSED) {
				es.close();
				setTimeout(connect, 5000);
			}
		};
	}

	if (!window.EventSource || !window.fetch || !body)
		return;
	status(false, "connecting");
	/* The links that take the token as the page did. */
	document.querySelectorAll("a[data-q]").forEach(function (a) {
		a.setAttribute("href", a.getAttribute("href") + query);
	});
	connect();
	setInterval(function () {
		var cells = body.querySelectorAll("td[data-since]");
		for (var i = 0; i < cells.length; i++)
			tick(cells[i]);
	}, 1000);
	setInterval(function () {
		if (es && es.readyState === EventSource.OPEN)
			soon();
	}, USAGE_EVERY);
})();
