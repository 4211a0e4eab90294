/* auditsift report front end.
 *
 * SECURITY: every string in the embedded data is attacker-chosen (mail subjects,
 * inbox rule names, folder names, client strings...). Data is only ever rendered
 * through textContent / createTextNode / setAttribute of non-URL attributes (see
 * h() and SAFE_ATTR) or canvas fillText. Never use innerHTML, outerHTML,
 * insertAdjacentHTML, document.write, eval, Function or inline event handlers here.
 * This file must also never contain the character sequence that closes a script
 * element, nor an HTML comment opener, because it is inlined into a script element.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- helpers
  var byId = function (id) { return document.getElementById(id); };
  var SAFE_ATTR = /^(class|id|title|role|tabindex|colspan|rowspan|scope|type|value|name|for|hidden|open|lang|dir|aria-[a-z]+|data-[a-z0-9-]+)$/;

  function appendKids(e, kids) {
    for (var i = 0; i < kids.length; i++) {
      var c = kids[i];
      if (c == null || c === false) continue;
      if (Array.isArray(c)) appendKids(e, c);
      else if (typeof c === 'object' && c.nodeType) e.appendChild(c);
      else e.appendChild(document.createTextNode(String(c)));
    }
  }
  /** Safe element builder: attributes are whitelisted, children become text nodes. */
  function h(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v == null || v === false) continue;
        if (!SAFE_ATTR.test(k)) throw new Error('attribute not allowed: ' + k);
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    appendKids(e, Array.prototype.slice.call(arguments, 2));
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  function str(v) {
    if (v == null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    try { return JSON.stringify(v); } catch (e) { return ''; }
  }
  function num(v) {
    if (typeof v === 'number' && isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && isFinite(+v)) return +v;
    return 0;
  }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function obj(v) { return v && typeof v === 'object' && !Array.isArray(v) ? v : {}; }
  function strArr(v) { return arr(v).map(str); }
  var nf = new Intl.NumberFormat('en-US');
  function fmtNum(n) { return nf.format(n); }
  function plural(n, one, many) { return fmtNum(n) + ' ' + (n === 1 ? one : (many || one + 's')); }

  var NO_TZ = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/;
  function parseTime(s) {
    if (typeof s !== 'string' || s === '') return NaN;
    // A timestamp without an offset is UTC in audit logs; Date.parse would take it as local time.
    return Date.parse(NO_TZ.test(s) ? s + 'Z' : s);
  }
  function pad2(n) { return n < 10 ? '0' + n : '' + n; }
  function fmtDate(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate());
  }
  function fmtHMS(ms) {
    var d = new Date(ms);
    return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
  }
  /** "2026-03-02 06:54:24" (UTC), with milliseconds when they are not zero. */
  function fmtTime(ms) {
    if (!isFinite(ms)) return '';
    var d = new Date(ms), msPart = d.getUTCMilliseconds();
    var s = fmtDate(ms) + ' ' + fmtHMS(ms);
    if (msPart) s += '.' + String(1000 + msPart).slice(1);
    return s;
  }
  function fmtTimeUtc(ms, fallback) { return isFinite(ms) ? fmtTime(ms) + ' UTC' : (fallback || '(no time)'); }
  function fmtDur(ms) {
    if (!isFinite(ms) || ms < 0) return '';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60); s %= 60;
    if (m < 60) return m + ' min' + (s ? ' ' + s + ' s' : '');
    var hr = Math.floor(m / 60); m %= 60;
    if (hr < 48) return hr + ' h' + (m ? ' ' + m + ' min' : '');
    var d = Math.floor(hr / 24); hr %= 24;
    return d + ' d' + (hr ? ' ' + hr + ' h' : '');
  }
  function trunc(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
  function shortId(id) { return id === '' ? '(none)' : (id.length > 8 ? id.slice(0, 8) : id); }
  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
  function debounce(fn, ms) {
    var t = 0;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function lowerBound(a, n, x) { // first index with a[i] >= x, in a[0..n)
    var lo = 0, hi = n;
    while (lo < hi) { var mid = (lo + hi) >>> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function upperBound(a, n, x) { // first index with a[i] > x
    var lo = 0, hi = n;
    while (lo < hi) { var mid = (lo + hi) >>> 1; if (a[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // ------------------------------------------------------ operation families
  var FAMS = [
    { key: 'delete', label: 'Deletes', color: '#d62728', shape: 'x', prio: 7 },
    { key: 'send', label: 'Sends', color: '#e8710a', shape: 'tri', prio: 5 },
    { key: 'rule', label: 'Rules / admin', color: '#8e44ad', shape: 'diamond', prio: 6 },
    { key: 'mail', label: 'Mail access (sync / bind)', color: '#1f6fd1', shape: 'square', prio: 3 },
    { key: 'signin', label: 'Sign-ins', color: '#2e9e44', shape: 'circle', prio: 4 },
    { key: 'file', label: 'File access', color: '#0f9aa8', shape: 'plus', prio: 2 },
    { key: 'other', label: 'Other', color: '#808080', shape: 'dot', prio: 1 }
  ];
  var FAM_DELETE = 0, FAM_SEND = 1, FAM_RULE = 2;
  function classify(op) {
    var o = op.toLowerCase();
    if (/delet|purge|recycle/.test(o)) return 0;
    if (/^send|sendas|sendonbehalf|mailitemssent/.test(o)) return 1;
    if (/inboxrule|transportrule|^(new|set|add|remove|enable|disable|update|grant|revoke|install|uninstall|import|export|start|stop)-|permission|\brole\b|role\.|consent|serviceprincipal|service principal|application|policy|forwarding|delegat|password|credential|strongauth|add member|add user|update user|mailboxaudit/.test(o)) return 2;
    if (/mailitemsaccessed|messagebind|folderbind|^sync|mailboxitem|searchquery|previewitem/.test(o)) return 3;
    if (/login|logon|loggedin|loggedout|signin|sign-in|logout/.test(o)) return 4;
    if (/^file|download|upload|sharing|anonymouslink|companylink|securelink|^folder(created|modified|renamed|copied|moved)|pageviewed/.test(o)) return 5;
    return 6;
  }

  // Shapes are filled paths; sizes are in CSS pixels.
  function addBar(p, x1, y1, x2, y2, w) {
    var dx = x2 - x1, dy = y2 - y1, len = Math.sqrt(dx * dx + dy * dy) || 1;
    var nx = -dy / len * w / 2, ny = dx / len * w / 2;
    p.moveTo(x1 + nx, y1 + ny); p.lineTo(x2 + nx, y2 + ny); p.lineTo(x2 - nx, y2 - ny); p.lineTo(x1 - nx, y1 - ny); p.closePath();
  }
  function addShape(p, shape, x, y, r) {
    switch (shape) {
      case 'circle': p.moveTo(x + r, y); p.arc(x, y, r, 0, 6.2832); break;
      case 'square': p.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7); break;
      case 'diamond': p.moveTo(x, y - r * 1.25); p.lineTo(x + r * 1.1, y); p.lineTo(x, y + r * 1.25); p.lineTo(x - r * 1.1, y); p.closePath(); break;
      case 'tri': p.moveTo(x, y - r * 1.2); p.lineTo(x + r * 1.15, y + r * 0.9); p.lineTo(x - r * 1.15, y + r * 0.9); p.closePath(); break;
      case 'x': { var a = r * 1.05, w = Math.max(1.6, r * 0.55); addBar(p, x - a, y - a, x + a, y + a, w); addBar(p, x - a, y + a, x + a, y - a, w); break; }
      case 'plus': { var b = r * 1.15, w2 = Math.max(1.6, r * 0.55); addBar(p, x - b, y, x + b, y, w2); addBar(p, x, y - b, x, y + b, w2); break; }
      default: p.moveTo(x + r * 0.6, y); p.arc(x, y, r * 0.6, 0, 6.2832);
    }
  }

  // ------------------------------------------------------------- state
  var D;                 // normalised data
  var EV = null;         // columnar event store
  var state = {
    selSession: -1,      // index into D.sessions, or -1
    selEvent: -1,        // index into EV
    laneMode: 'session'
  };

  // ------------------------------------------------------------- load data
  function loadData() {
    var el = byId('auditsift-data');
    var text = el ? el.textContent : '';
    if (text.trim() === '{{' + 'AUDITSIFT_DATA' + '}}') {
      throw new Error('This is the report template: no data is embedded. Produce a report with "auditsift report -o report.html FILE...".');
    }
    var raw = JSON.parse(text);
    if (!raw || typeof raw !== 'object') throw new Error('The embedded report data is not a JSON object.');
    el.textContent = ''; // parsed: the element's copy (tens of MB for large reports) can go
    return raw;
  }

  function normalise(raw) {
    var input = obj(raw.input);
    var d = {
      tool: str(raw.tool), generated: str(raw.generated), title: str(raw.title),
      filters: strArr(raw.filters),
      input: {
        files: arr(input.files).map(function (f) { f = obj(f); return { path: str(f.path), records: num(f.records) }; }),
        read: num(input.read), parsed: num(input.parsed), rejected: num(input.rejected),
        duplicates: num(input.duplicates), matched: num(input.matched),
        rejects: arr(input.rejects).map(function (r) { r = obj(r); return { source: str(r.source), reason: str(r.reason), raw: str(r.raw) }; })
      },
      sessions: [], events: arr(raw.events), exposure: raw.exposure && typeof raw.exposure === 'object' ? raw.exposure : null
    };
    d.sessions = arr(raw.sessions).map(function (s, i) {
      s = obj(s);
      var opsObj = obj(s.Operations), ops = [];
      Object.keys(opsObj).forEach(function (k) { ops.push([k, num(opsObj[k])]); });
      ops.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
      var famCounts = new Array(FAMS.length).fill(0);
      ops.forEach(function (o) { famCounts[classify(o[0])] += o[1]; });
      var ses = {
        idx: i, id: str(s.SessionId), first: str(s.FirstSeen), last: str(s.LastSeen),
        records: num(s.Records), users: strArr(s.Users), owners: strArr(s.MailboxOwners),
        ips: strArr(s.ClientIPs), clients: strArr(s.ClientInfoStrings), ops: ops, famCounts: famCounts
      };
      ses.firstMs = parseTime(ses.first); ses.lastMs = parseTime(ses.last);
      ses.opsText = ops.map(function (o) { return o[0] + ' ' + o[1]; }).join(', ');
      ses.flagScore = famCounts[FAM_DELETE] * 1e6 + famCounts[FAM_RULE] * 1e3 + famCounts[FAM_SEND];
      ses.search = [ses.id === '' ? '(no sessionid)' : ses.id, fmtTime(ses.firstMs), fmtTime(ses.lastMs), ses.first, ses.last,
        String(ses.records), ses.users.join(' '), ses.owners.join(' '), ses.ips.join(' '), ses.clients.join(' '), ses.opsText,
        fmtDur(ses.lastMs - ses.firstMs)].join('\u0001').toLowerCase();
      return ses;
    });
    d.sessionsById = new Map();
    d.sessions.forEach(function (s) {
      var l = d.sessionsById.get(s.id);
      if (!l) d.sessionsById.set(s.id, l = []);
      l.push(s.idx);
    });
    return d;
  }

  function buildEventStore(events, nSessions) {
    var n = events.length, i;
    var T = new Float64Array(n);
    var sorted = true, anyNaN = false, orig = null;
    for (i = 0; i < n; i++) {
      var e = events[i];
      if (!e || typeof e !== 'object') { events[i] = e = {}; }
      T[i] = parseTime(e.t);
      if (T[i] !== T[i]) anyNaN = true;
      else if (i > 0 && T[i] < T[i - 1]) sorted = false;
    }
    if (anyNaN || !sorted) {
      // The contract says events are sorted; be robust anyway (events without a time go last).
      var order = new Array(n);
      for (i = 0; i < n; i++) order[i] = i;
      order.sort(function (a, b) {
        var ta = T[a], tb = T[b];
        if (ta !== ta) return tb !== tb ? a - b : 1;
        if (tb !== tb) return -1;
        return ta - tb || a - b;
      });
      var ev2 = new Array(n), T2 = new Float64Array(n);
      orig = new Int32Array(n); // position in the data, where the raw AuditData is looked up
      for (i = 0; i < n; i++) { ev2[i] = events[order[i]]; T2[i] = T[order[i]]; orig[i] = order[i]; }
      events = ev2; T = T2;
    }
    var nTimed = n;
    while (nTimed > 0 && T[nTimed - 1] !== T[nTimed - 1]) nTimed--;

    var S = new Int32Array(n), F = new Uint8Array(n), OP = new Int32Array(n);
    var opIndex = new Map(), ops = [];
    for (i = 0; i < n; i++) {
      var ev = events[i];
      var s = ev.s;
      S[i] = (typeof s === 'number' && s >= 0 && s < nSessions && Math.floor(s) === s) ? s : -1;
      var op = str(ev.o);
      var id = opIndex.get(op);
      if (id === undefined) { id = ops.length; opIndex.set(op, id); ops.push({ name: op, fam: classify(op), count: 0 }); }
      ops[id].count++;
      OP[i] = id;
      F[i] = ops[id].fam;
    }
    return { n: n, nTimed: nTimed, events: events, orig: orig, T: T, S: S, F: F, OP: OP, ops: ops, hay: null };
  }

  function eventHay(i) {
    if (!EV.hay) EV.hay = new Array(EV.n);
    var x = EV.hay[i];
    if (x === undefined) {
      var e = EV.events[i], s = EV.S[i];
      x = [fmtTime(EV.T[i]), str(e.t), str(e.o), str(e.u), str(e.ip), str(e.w), str(e.r), str(e.d),
        s >= 0 ? D.sessions[s].id : '', str(e.id)].join('\u0001').toLowerCase();
      EV.hay[i] = x;
    }
    return x;
  }
  // Builds the events' search text in small slices while the page is idle, so that the first
  // text filter does not have to build it all (a few hundred ms for 100,000 events).
  function prepareSearch() {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(function () { f({ timeRemaining: function () { return 8; } }); }, 50); };
    var next = 0;
    function slice(deadline) {
      while (next < EV.n && deadline.timeRemaining() > 2) {
        for (var end = Math.min(EV.n, next + 500); next < end; next++) eventHay(next);
      }
      if (next < EV.n) idle(slice);
    }
    idle(slice);
  }

  // ------------------------------------------------------ raw AuditData
  // The raw AuditData is not in the data document: it sits in its own element after this script
  // (so the page can be shown before the browser has even read it), as chunks of consecutive
  // events, each a gzip-compressed JSON array of strings in base64 (docs/report-data.md). A chunk
  // is decompressed, by the browser's own DecompressionStream, when one of its events is first
  // opened; all of them for a search of the raw text. Data in the older shape (a "raw" string on
  // each event) is read as well.
  var RAW = (function () {
    var ENCODING = 'gzip+base64', KEEP_CHUNKS = 16;
    var indexed = false, chunks = [], starts = null, problem = '';
    var cache = new Map(), pending = new Map(), all = null, allPromise = null;
    var parsed = document.readyState === 'loading' ? new Promise(function (resolve) {
      document.addEventListener('DOMContentLoaded', function () { resolve(); });
    }) : Promise.resolve();

    function index() {
      if (indexed) return;
      indexed = true;
      var el = byId('auditsift-raw'), text = el ? el.textContent : '';
      if (text.trim() === '' || text.trim() === 'null' || text.trim() === '{{' + 'AUDITSIFT_RAW' + '}}') return;
      var doc;
      try { doc = JSON.parse(text); } catch (e) { problem = 'The raw AuditData in this report is damaged (' + e.message + ').'; return; }
      el.textContent = ''; // the chunks are kept below; the element's copy is not needed
      doc = obj(doc);
      if (str(doc.encoding) !== ENCODING) { problem = 'The raw AuditData is stored as "' + str(doc.encoding) + '", which this page cannot read.'; return; }
      chunks = arr(doc.chunks).map(function (c) { c = obj(c); return { n: Math.max(0, Math.floor(num(c.n))), z: str(c.z) }; });
      starts = new Float64Array(chunks.length + 1);
      for (var k = 0; k < chunks.length; k++) starts[k + 1] = starts[k] + chunks[k].n;
      if (typeof DecompressionStream === 'undefined') problem = 'This browser cannot decompress the raw AuditData (it has no DecompressionStream); open the report in a current Chromium- or Firefox-based browser.';
    }
    // The event's position in the data (raw chunks follow the data's order).
    function dataIndex(i) { return EV.orig ? EV.orig[i] : i; }
    function inline(i) { var r = EV.events[i].raw; return typeof r === 'string' ? r : null; }
    function base64Bytes(b64) {
      if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(b64);
      var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
      for (var i = 0; i < n; i++) bytes[i] = bin.charCodeAt(i);
      return bytes;
    }
    function decodeChunk(k) {
      if (cache.has(k)) return Promise.resolve(cache.get(k));
      if (pending.has(k)) return pending.get(k);
      var c = chunks[k];
      var p = Promise.resolve().then(function () {
        var stream = new Blob([base64Bytes(c.z)]).stream().pipeThrough(new DecompressionStream('gzip'));
        return new Response(stream).text();
      }).then(function (json) {
        var texts = JSON.parse(json);
        if (!Array.isArray(texts) || texts.length !== c.n) throw new Error('chunk ' + k + ' holds ' + (Array.isArray(texts) ? texts.length : 'no') + ' texts, not ' + c.n);
        pending.delete(k);
        cache.set(k, texts);
        if (cache.size > KEEP_CHUNKS) cache.delete(cache.keys().next().value);
        return texts;
      }, function (e) {
        pending.delete(k);
        throw new Error('The raw AuditData could not be decompressed: ' + (e && e.message ? e.message : String(e)));
      });
      pending.set(k, p);
      return p;
    }
    function textOf(v) { return typeof v === 'string' ? v : null; }

    /** Promise of event i's raw AuditData: a string, or null when the report does not include it. */
    function get(i) {
      var own = inline(i);
      if (own !== null) return Promise.resolve(own);
      if (all) return Promise.resolve(all[i]);
      return parsed.then(function () {
        index();
        if (problem) throw new Error(problem);
        var d = dataIndex(i);
        if (!starts || d >= starts[chunks.length]) return null;
        var k = upperBound(starts, chunks.length + 1, d) - 1;
        return decodeChunk(k).then(function (texts) { return textOf(texts[d - starts[k]]); });
      });
    }
    /** Promise that every event's raw AuditData is loaded, for searching it (then text(i) answers). */
    function loadAll() {
      if (allPromise) return allPromise;
      allPromise = parsed.then(function () {
        index();
        if (problem) throw new Error(problem);
        var byData = new Array(EV.n).fill(null);
        var k = 0;
        // A few chunks in flight, so one's decompression overlaps another's parsing.
        function worker() {
          if (k >= chunks.length) return null;
          var mine = k++, at = starts[mine];
          return decodeChunk(mine).then(function (texts) {
            for (var j = 0; j < texts.length && at + j < EV.n; j++) byData[at + j] = textOf(texts[j]);
            return worker();
          });
        }
        return Promise.all([worker(), worker(), worker()]).then(function () {
          var out = new Array(EV.n);
          for (var i = 0; i < EV.n; i++) { var own = inline(i); out[i] = own !== null ? own : byData[dataIndex(i)]; }
          all = out;
          cache.clear();
          chunks.forEach(function (c) { c.z = ''; }); // every text is in all[] now
        });
      });
      allPromise.catch(function () { allPromise = null; });
      return allPromise;
    }
    return {
      get: get,
      loadAll: loadAll,
      /** Event i's raw text once loadAll() has finished (null if not included), else undefined. */
      text: function (i) { return all ? all[i] : undefined; },
      /** Whether loadAll() has finished. */
      ready: function () { return all !== null; }
    };
  })();

  // ------------------------------------------------------ throttled windows
  function collectThrottle() {
    var out = [];
    if (!D.exposure) return out;
    arr(D.exposure.mailboxes || D.exposure.Mailboxes).forEach(function (mb) {
      mb = obj(mb);
      var mailbox = str(mb.Mailbox), lower = mailbox.toLowerCase();
      var ctxSessions = arr(mb.Contexts).map(function (c) { return str(ctxOf(c).SessionId); });
      arr(mb.ThrottledWindows).forEach(function (w) {
        w = obj(w);
        var ids = strArr(w.Sessions);
        var affected = new Set();
        ids.concat(ctxSessions).forEach(function (id) { (D.sessionsById.get(id) || []).forEach(function (k) { affected.add(k); }); });
        if (lower) D.sessions.forEach(function (s) {
          if (s.owners.some(function (o) { return o.toLowerCase() === lower; })) affected.add(s.idx);
        });
        out.push({ mailbox: mailbox, start: str(w.Start), end: str(w.End), startMs: parseTime(w.Start), endMs: parseTime(w.End),
          recordId: str(w.RecordId) || strArr(w.RecordIds).join(', '), sessionIds: ids, affected: affected });
      });
    });
    return out;
  }
  // A context's fields: nested under Context (auditsift's exposure JSON) or on the context itself.
  function ctxOf(c) { c = obj(c); return obj(c.Context || c); }
  function throttleSentence(w) {
    var dur = isFinite(w.startMs) && isFinite(w.endMs) ? fmtDur(w.endMs - w.startMs) : 'an unknown time';
    return 'Bind auditing was throttled for ' + dur + ' from ' + fmtTimeUtc(w.startMs, w.start || '?') + ' to ' +
      fmtTimeUtc(w.endMs, w.end || '?') + ': any mail in this mailbox may have been read without a record.';
  }

  // ------------------------------------------------------------- header
  function renderHeader() {
    var title = D.title || 'Microsoft 365 audit log report';
    byId('report-title').textContent = title;
    document.title = title + ' \u2014 auditsift';
    var meta = byId('report-meta');
    clear(meta);
    var genMs = parseTime(D.generated);
    meta.appendChild(h('dt', null, 'Tool'));
    meta.appendChild(h('dd', null, D.tool || 'auditsift'));
    meta.appendChild(h('dt', null, 'Generated'));
    meta.appendChild(h('dd', null, isFinite(genMs) ? fmtTimeUtc(genMs) : (D.generated || 'unknown')));
    meta.appendChild(h('dt', null, 'Filters'));
    meta.appendChild(h('dd', { id: 'report-filters' }, D.filters.length ? D.filters.map(function (f) { return h('code', null, f); }) : 'none (all records)'));
    byId('footer-text').textContent = 'Generated by ' + (D.tool || 'auditsift') + (D.generated ? ' at ' + (isFinite(genMs) ? fmtTimeUtc(genMs) : D.generated) : '') + '.';

    var inp = D.input, stats = byId('input-stats');
    clear(stats);
    [['Files', inp.files.length], ['Records read', inp.read], ['Parsed', inp.parsed], ['Rejected', inp.rejected, inp.rejected > 0],
      ['Duplicates removed', inp.duplicates], ['Matched filters', inp.matched]].forEach(function (x) {
      stats.appendChild(h('div', { class: 'stat' + (x[2] ? ' bad' : '') }, h('div', { class: 'v' }, fmtNum(x[1])), h('div', { class: 'k' }, x[0])));
    });
    var files = byId('input-files');
    clear(files);
    if (inp.files.length) {
      var tb = h('tbody');
      inp.files.forEach(function (f) { tb.appendChild(h('tr', null, h('td', { class: 'mono' }, f.path), h('td', { class: 'num' }, fmtNum(f.records)))); });
      files.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'files-table' },
        h('thead', null, h('tr', null, h('th', null, 'File'), h('th', { class: 'num' }, 'Records'))), tb)));
    }
    var rj = inp.rejects, body = byId('rejects-body'), summary = byId('rejects-summary');
    clear(body);
    if (!rj.length) {
      summary.textContent = inp.rejected > 0 ? 'Rejected records: ' + fmtNum(inp.rejected) + ' (details not included)' : 'Rejected records: none';
      body.appendChild(h('p', { class: 'muted' }, inp.rejected > 0 ? 'The rejected records were counted but not listed in the data.' : 'Every record read could be parsed.'));
      return;
    }
    summary.textContent = 'Rejected records (' + fmtNum(rj.length) + (inp.rejected > rj.length ? ' of ' + fmtNum(inp.rejected) : '') + ') \u2014 click to show';
    var tbody = h('tbody'), shown = 0;
    function more(limit) {
      var end = Math.min(rj.length, limit);
      for (; shown < end; shown++) {
        var r = rj[shown];
        tbody.appendChild(h('tr', null, h('td', { class: 'mono nowrap' }, r.source), h('td', null, r.reason), h('td', null, h('pre', null, r.raw))));
      }
    }
    more(300);
    body.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'rejects-table' },
      h('thead', null, h('tr', null, h('th', null, 'Source'), h('th', null, 'Reason'), h('th', null, 'Raw text'))), tbody)));
    if (shown < rj.length) {
      var btn = h('button', { type: 'button', class: 'no-print' }, 'Show all ' + fmtNum(rj.length) + ' rejected records');
      btn.addEventListener('click', function () { more(rj.length); btn.remove(); });
      body.appendChild(btn);
    }
  }

  function renderGapBanner(windows) {
    var b = byId('gap-banner');
    clear(b);
    if (!windows.length) { b.hidden = true; return; }
    var mbs = new Set(windows.map(function (w) { return w.mailbox; }));
    b.appendChild(h('strong', null, 'Evidence gap: '));
    b.appendChild(document.createTextNode('bind auditing (MailItemsAccessed) was throttled in ' + plural(windows.length, 'window') +
      ' for ' + plural(mbs.size, 'mailbox', 'mailboxes') + '. During a throttled window individual message reads are not recorded, so mail may have been read without any record. '));
    var a = h('button', { type: 'button', class: 'no-print' }, 'See mail exposure');
    a.addEventListener('click', function () { byId('exposure').scrollIntoView(); });
    b.appendChild(a);
    b.hidden = false;
  }

  // --------------------------------------------------------- session table
  function listCell(items, max, inline) {
    var td = h('td');
    if (!items.length) { td.appendChild(h('span', { class: 'muted' }, '\u2014')); return td; }
    var shown = items.slice(0, max);
    shown.forEach(function (x, i) { if (i) td.appendChild(inline ? document.createTextNode(', ') : h('br')); td.appendChild(document.createTextNode(x === '' ? '(empty)' : x)); });
    if (items.length > max) {
      td.appendChild(inline ? document.createTextNode(' ') : h('br'));
      td.appendChild(h('span', { class: 'more' }, '+' + (items.length - max) + ' more'));
      td.setAttribute('title', items.join('\n'));
    }
    return td;
  }
  var SESSION_COLS = [
    { key: 'id', label: 'Session', sort: function (s) { return s.id.toLowerCase(); },
      cell: function (s) { return h('td', { class: 'mono', title: s.id }, s.id === '' ? h('em', null, '(no SessionId)') : s.id); } },
    { key: 'first', label: 'First seen (UTC)', sort: function (s) { return s.firstMs; }, cell: function (s) { return h('td', { class: 'nowrap' }, isFinite(s.firstMs) ? fmtTime(s.firstMs) : s.first); } },
    { key: 'last', label: 'Last seen (UTC)', sort: function (s) { return s.lastMs; }, cell: function (s) { return h('td', { class: 'nowrap' }, isFinite(s.lastMs) ? fmtTime(s.lastMs) : s.last); } },
    { key: 'dur', label: 'Duration', num: true, sort: function (s) { return s.lastMs - s.firstMs; }, cell: function (s) { return h('td', { class: 'num nowrap' }, fmtDur(s.lastMs - s.firstMs)); } },
    { key: 'records', label: 'Records', num: true, sort: function (s) { return s.records; }, cell: function (s) { return h('td', { class: 'num' }, fmtNum(s.records)); } },
    { key: 'flags', label: 'Notable', sort: function (s) { return s.flagScore; }, cell: function (s) {
      var td = h('td');
      [FAM_DELETE, FAM_RULE, FAM_SEND].forEach(function (f) {
        var c = s.famCounts[f];
        if (c > 0) { var sp = h('span', { class: 'flag' }, FAMS[f].label + ' ' + fmtNum(c)); sp.style.background = FAMS[f].color; td.appendChild(sp); }
      });
      return td;
    } },
    { key: 'users', label: 'Users', sort: function (s) { return s.users.join(',').toLowerCase(); }, cell: function (s) { return listCell(s.users, 4); } },
    { key: 'owners', label: 'Mailbox owners', sort: function (s) { return s.owners.join(',').toLowerCase(); }, cell: function (s) { return listCell(s.owners, 4); } },
    { key: 'ips', label: 'Client IPs', sort: function (s) { return s.ips.join(',').toLowerCase(); }, cell: function (s) { return listCell(s.ips, 4); } },
    { key: 'clients', label: 'Client info', sort: function (s) { return s.clients.join(',').toLowerCase(); }, cell: function (s) { return listCell(s.clients, 3); } },
    { key: 'ops', label: 'Operations', sort: function (s) { return s.opsText.toLowerCase(); }, cell: function (s) {
      return listCell(s.ops.map(function (o) { return o[0] + '\u00a0\u00d7' + fmtNum(o[1]); }), 8, true);
    } }
  ];
  var sessSort = { col: 1, dir: 1 };
  function renderSessionHead() {
    var tr = byId('sessions-head');
    clear(tr);
    SESSION_COLS.forEach(function (c, i) {
      var th = h('th', { class: 'sortable' + (c.num ? ' num' : ''), scope: 'col', tabindex: '0', 'aria-sort': i === sessSort.col ? (sessSort.dir > 0 ? 'ascending' : 'descending') : 'none', 'data-col': c.key }, c.label);
      function go() {
        if (sessSort.col === i) sessSort.dir = -sessSort.dir; else { sessSort.col = i; sessSort.dir = 1; }
        renderSessionHead(); renderSessionBody();
      }
      th.addEventListener('click', go);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
      tr.appendChild(th);
    });
  }
  function cmp(a, b) {
    var an = typeof a === 'number' && a !== a, bn = typeof b === 'number' && b !== b;
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // The table shows the sorted, filtered sessions a page at a time: more are added when it is
  // scrolled near its end (or "Show all" is clicked), so thousands of sessions cost no more to
  // show, sort or filter than a few hundred.
  var SESSION_PAGE = 100;
  var sessRows = [], sessShown = 0;
  function sessionRow(s) {
    var tr = h('tr', { tabindex: '0', 'data-session': s.idx, 'aria-selected': s.idx === state.selSession ? 'true' : 'false' });
    if (s.idx === state.selSession) tr.className = 'selected';
    SESSION_COLS.forEach(function (c) { tr.appendChild(c.cell(s)); });
    return tr;
  }
  function moreSessions(limit) {
    var end = Math.min(sessRows.length, limit), frag = document.createDocumentFragment();
    for (; sessShown < end; sessShown++) frag.appendChild(sessionRow(sessRows[sessShown]));
    byId('sessions-body').appendChild(frag);
    var more = byId('sessions-more'), left = sessRows.length - sessShown;
    more.hidden = left <= 0;
    if (left > 0) {
      byId('sessions-more-text').textContent = 'Showing ' + fmtNum(sessShown) + ' of ' + plural(sessRows.length, 'session') + '; scroll the table for more. ';
      byId('sessions-more-next').textContent = 'Show ' + fmtNum(Math.min(SESSION_PAGE, left)) + ' more';
      byId('sessions-more-all').textContent = 'Show all ' + fmtNum(sessRows.length);
    }
  }
  function renderSessionBody() {
    var tb = byId('sessions-body');
    var q = byId('session-filter').value.trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    var col = SESSION_COLS[sessSort.col], dir = sessSort.dir;
    var rows = D.sessions.filter(function (s) { return terms.every(function (t) { return s.search.indexOf(t) >= 0; }); });
    var keys = new Map();
    rows.forEach(function (s) { keys.set(s, col.sort(s)); });
    function isNaNKey(k) { return typeof k === 'number' && k !== k; }
    rows.sort(function (a, b) {
      var ka = keys.get(a), kb = keys.get(b);
      if (isNaNKey(ka) || isNaNKey(kb)) return (isNaNKey(ka) ? 1 : 0) - (isNaNKey(kb) ? 1 : 0) || a.idx - b.idx; // unknown values last
      return cmp(ka, kb) * dir || a.idx - b.idx;
    });
    clear(tb);
    sessRows = rows; sessShown = 0;
    byId('sessions-wrap').scrollTop = 0;
    moreSessions(SESSION_PAGE);
    if (!rows.length) tb.appendChild(h('tr', null, h('td', { colspan: SESSION_COLS.length, class: 'muted' }, D.sessions.length ? 'No session matches the filter.' : 'No sessions in this report.')));
    byId('session-count').textContent = rows.length === D.sessions.length ? plural(rows.length, 'session') : fmtNum(rows.length) + ' of ' + plural(D.sessions.length, 'session');
  }
  function initSessionTable() {
    renderSessionHead();
    renderSessionBody();
    var wrap = byId('sessions-wrap');
    wrap.addEventListener('scroll', function () {
      if (sessShown < sessRows.length && wrap.scrollTop + wrap.clientHeight > wrap.scrollHeight - 600) moreSessions(sessShown + SESSION_PAGE);
    }, { passive: true });
    byId('sessions-more-next').addEventListener('click', function () { moreSessions(sessShown + SESSION_PAGE); });
    byId('sessions-more-all').addEventListener('click', function () { moreSessions(sessRows.length); });
    byId('session-filter').addEventListener('input', debounce(renderSessionBody, 120));
    var tb = byId('sessions-body');
    function pick(e) {
      var tr = e.target.closest('tr[data-session]');
      if (!tr) return;
      var i = +tr.getAttribute('data-session');
      selectSession(state.selSession === i ? -1 : i, true);
    }
    tb.addEventListener('click', pick);
    tb.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(e); } });
  }

  function selectSession(i, fromTable) {
    state.selSession = i;
    var rows = byId('sessions-body').querySelectorAll('tr[data-session]');
    for (var k = 0; k < rows.length; k++) {
      var on = +rows[k].getAttribute('data-session') === i;
      rows[k].classList.toggle('selected', on);
      rows[k].setAttribute('aria-selected', on ? 'true' : 'false');
    }
    var chip = byId('ev-session-chip');
    clear(chip);
    if (i >= 0) {
      var s = D.sessions[i];
      chip.appendChild(h('span', { class: 'chip-text', title: s.id }, 'Session ' + (s.id === '' ? '(no SessionId)' : s.id)));
      var zoom = h('button', { type: 'button', title: 'Zoom the timeline to this session' }, 'zoom');
      zoom.addEventListener('click', function () { TL.zoomToSession(i); });
      var x = h('button', { type: 'button', title: 'Show all sessions', 'aria-label': 'Clear session filter' }, '\u00d7');
      x.addEventListener('click', function () { selectSession(-1); });
      chip.appendChild(zoom); chip.appendChild(x);
      chip.hidden = false;
    } else chip.hidden = true;
    TL.onSessionSelected(i, fromTable);
    LIST.refilter();
  }

  // ----------------------------------------------------------------- timeline
  var TL = (function () {
    var GUTTER = 200, AXIS = 36, LANE_H = 22, PAD_R = 10, MIN_SPAN = 5000, CELL = 3, SPARSE_MAX = 6000;
    var canvas, ctx, scroller, spacer, dpr = 1, W = 0, H = 0;
    var lanes = [], laneOf = null, laneSessions = null, labelCache = [];
    var full = { t0: 0, t1: 1 }, view = { t0: 0, t1: 1 };
    var windows = [];
    var hatch = null, rafPending = false, lastDrawMs = 0, lastMode = '', inView = 0;
    var bestBuf = new Int8Array(0), cntBuf = new Uint32Array(0), selBuf = new Uint8Array(0);
    var listeners = [];

    function plotW() { return Math.max(10, W - GUTTER - PAD_R); }
    function scale() { return plotW() / (view.t1 - view.t0); }
    function xOf(t) { return GUTTER + (t - view.t0) * scale(); }
    function tOf(x) { return view.t0 + (x - GUTTER) / scale(); }
    function lanesViewH() { return Math.max(LANE_H, H - AXIS); }

    function buildLanes() {
      var n = EV.n, i;
      laneOf = new Int32Array(n);
      lanes = [];
      labelCache = [];
      if (state.laneMode === 'session') {
        var order = D.sessions.slice().sort(function (a, b) { return cmp(a.firstMs, b.firstMs) || a.idx - b.idx; });
        var laneBySession = new Int32Array(D.sessions.length);
        order.forEach(function (s, k) {
          laneBySession[s.idx] = k;
          var who = s.users[0] || s.owners[0] || '';
          lanes.push({ label: (s.id === '' ? '(no SessionId)' : shortId(s.id)) + (who ? ' \u00b7 ' + who : ''), full: 'Session ' + (s.id === '' ? '(no SessionId)' : s.id) + (who ? '\n' + s.users.join(', ') : ''), sessions: new Set([s.idx]) });
        });
        var orphan = -1;
        for (i = 0; i < n; i++) {
          var s = EV.S[i];
          if (s >= 0) laneOf[i] = laneBySession[s];
          else {
            if (orphan < 0) { orphan = lanes.length; lanes.push({ label: '(event without session)', full: 'Events that reference no session', sessions: new Set([-1]) }); }
            laneOf[i] = orphan;
          }
        }
      } else {
        var byIp = new Map();
        for (i = 0; i < n; i++) {
          var ip = str(EV.events[i].ip);
          var l = byIp.get(ip);
          if (l === undefined) {
            l = lanes.length; byIp.set(ip, l);
            lanes.push({ label: ip === '' ? '(no client IP)' : ip, full: 'Client IP ' + (ip === '' ? '(none)' : ip), sessions: new Set() });
          }
          laneOf[i] = l;
          lanes[l].sessions.add(EV.S[i]);
        }
      }
      if (!lanes.length) lanes.push({ label: '(no events)', full: 'No events', sessions: new Set() });
      laneSessions = lanes.map(function (l) { return l.sessions; });
      layout();
    }

    // Whether throttled window w covers lane k: the lane shows one of the sessions it affects.
    function laneHit(w, k) {
      var ls = laneSessions[k], a = w.affected, hit = false;
      if (ls.size <= a.size) ls.forEach(function (x) { if (!hit && a.has(x)) hit = true; });
      else a.forEach(function (x) { if (!hit && ls.has(x)) hit = true; });
      return hit;
    }
    function markAffectedLanes() {
      var shown = new Set();
      laneSessions.forEach(function (ls) { ls.forEach(function (x) { shown.add(x); }); });
      windows.forEach(function (w) {
        var any = false;
        w.affected.forEach(function (x) { if (!any && shown.has(x)) any = true; });
        w.affectedAnyLane = any;
      });
    }

    function computeFull() {
      var t0 = Infinity, t1 = -Infinity;
      if (EV.nTimed) { t0 = EV.T[0]; t1 = EV.T[EV.nTimed - 1]; }
      windows.forEach(function (w) {
        if (isFinite(w.startMs)) { t0 = Math.min(t0, w.startMs); t1 = Math.max(t1, w.startMs); }
        if (isFinite(w.endMs)) { t0 = Math.min(t0, w.endMs); t1 = Math.max(t1, w.endMs); }
      });
      if (!isFinite(t0)) { var gen = parseTime(D.generated); t0 = isFinite(gen) ? gen - 3600e3 : 0; t1 = t0 + 3600e3; }
      if (t1 - t0 < 60e3) { var mid = (t0 + t1) / 2; t0 = mid - 30 * 60e3; t1 = mid + 30 * 60e3; }
      var pad = (t1 - t0) * 0.02;
      full = { t0: t0 - pad, t1: t1 + pad };
    }

    function layout() {
      var total = lanes.length * LANE_H;
      var lanesH = Math.max(3 * LANE_H, Math.min(total, 16 * LANE_H + 8, Math.round(window.innerHeight * 0.6)));
      H = lanesH + AXIS;
      W = Math.max(300, scroller.clientWidth);
      dpr = window.devicePixelRatio || 1;
      canvas.style.height = H + 'px';
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      scroller.style.height = (H + 2) + 'px';
      spacer.style.height = Math.max(0, total - lanesH) + 'px';
      labelCache = [];
      request();
    }

    function setView(t0, t1) {
      var span = t1 - t0, fullSpan = full.t1 - full.t0, maxSpan = fullSpan * 1.5;
      if (!(span > 0)) return;
      if (span < MIN_SPAN) { var c = (t0 + t1) / 2; t0 = c - MIN_SPAN / 2; t1 = c + MIN_SPAN / 2; span = MIN_SPAN; }
      if (span > maxSpan) { var c2 = (t0 + t1) / 2; t0 = c2 - maxSpan / 2; t1 = c2 + maxSpan / 2; span = maxSpan; }
      // keep some of the data in view
      var lo = full.t0 - span * 0.5, hi = full.t1 + span * 0.5;
      if (t0 < lo) { t0 = lo; t1 = lo + span; }
      if (t1 > hi) { t1 = hi; t0 = hi - span; }
      view = { t0: t0, t1: t1 };
      request();
      listeners.forEach(function (f) { f(); });
    }
    function zoomAt(factor, x) {
      var t = isFinite(x) && x >= GUTTER ? tOf(x) : (view.t0 + view.t1) / 2;
      setView(t - (t - view.t0) * factor, t + (view.t1 - t) * factor);
    }
    function pan(frac) { var d = (view.t1 - view.t0) * frac; setView(view.t0 + d, view.t1 + d); }

    function request() {
      if (rafPending) return;
      rafPending = true;
      requestAnimationFrame(function () { rafPending = false; draw(); });
    }

    function makeHatch() {
      var c = document.createElement('canvas'), k = Math.max(1, Math.round(dpr));
      c.width = c.height = 8 * k;
      var g = c.getContext('2d');
      g.fillStyle = 'rgba(194,65,12,0.10)';
      g.fillRect(0, 0, c.width, c.height);
      g.strokeStyle = 'rgba(194,65,12,0.55)';
      g.lineWidth = 1.3 * k;
      g.beginPath();
      for (var o = -c.width; o <= c.width; o += 4 * k) { g.moveTo(o, c.height); g.lineTo(o + c.width, 0); }
      g.stroke();
      var p = ctx.createPattern(c, 'repeat');
      if (p && p.setTransform && typeof DOMMatrix !== 'undefined') p.setTransform(new DOMMatrix().scale(1 / k));
      return p;
    }

    function tickStep(span, px) {
      var steps = [1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 6048e5, 12096e5, 2592e6, 7776e6, 31536e6];
      var minMs = span * 110 / px;
      for (var i = 0; i < steps.length; i++) if (steps[i] >= minMs) return steps[i];
      return steps[steps.length - 1];
    }

    function laneLabel(k, maxW) {
      var c = labelCache[k];
      if (c !== undefined) return c;
      var s = lanes[k].label;
      if (ctx.measureText(s).width > maxW) {
        var lo = 0, hi = s.length;
        while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (ctx.measureText(s.slice(0, mid) + '\u2026').width <= maxW) lo = mid; else hi = mid - 1; }
        s = s.slice(0, lo) + '\u2026';
      }
      labelCache[k] = s;
      return s;
    }

    function draw() {
      var t0p = performance.now();
      if (!W) return;
      if (!hatch || lastMode !== dpr) { hatch = makeHatch(); lastMode = dpr; }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, H);
      ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
      ctx.textBaseline = 'middle';
      var sc = scale(), scrollY = scroller.scrollTop, lvh = lanesViewH();
      var firstLane = Math.max(0, Math.floor(scrollY / LANE_H));
      var lastLane = Math.min(lanes.length - 1, Math.floor((scrollY + lvh - 1) / LANE_H));
      var laneY = function (k) { return AXIS + k * LANE_H - scrollY; };
      var sel = state.selSession;

      // lane backgrounds
      for (var k = firstLane; k <= lastLane; k++) {
        var y = laneY(k);
        var isSel = sel >= 0 && laneSessions[k].has(sel);
        ctx.fillStyle = isSel ? '#fff3b0' : (k % 2 ? '#f6f8fa' : '#ffffff');
        ctx.fillRect(0, y, W, LANE_H);
      }
      ctx.save();
      ctx.beginPath(); ctx.rect(GUTTER, AXIS, W - GUTTER, lvh); ctx.clip();

      // grid
      var step = tickStep(view.t1 - view.t0, plotW());
      var firstTick = Math.ceil(view.t0 / step) * step;
      ctx.strokeStyle = '#e3e7eb'; ctx.lineWidth = 1;
      ctx.beginPath();
      for (var t = firstTick; t <= view.t1; t += step) { var gx = Math.round(xOf(t)) + 0.5; ctx.moveTo(gx, AXIS); ctx.lineTo(gx, H); }
      ctx.stroke();

      // throttled windows: hatched "evidence missing"
      windows.forEach(function (w) {
        if (!isFinite(w.startMs) || !isFinite(w.endMs)) return;
        var x0 = Math.max(GUTTER - 2, xOf(w.startMs)), x1 = Math.min(W + 2, xOf(w.endMs));
        if (x1 < GUTTER || x0 > W) return;
        x1 = Math.max(x1, x0 + 2);
        var any = false, labelY = -1;
        for (var k2 = firstLane; k2 <= lastLane; k2++) {
          if (laneHit(w, k2)) { any = true; ctx.fillStyle = hatch; ctx.fillRect(x0, laneY(k2), x1 - x0, LANE_H); if (labelY < 0) labelY = laneY(k2) + LANE_H / 2; }
        }
        if (!w.affected.size || (!any && !w.affectedAnyLane)) {
          ctx.fillStyle = hatch; ctx.fillRect(x0, AXIS, x1 - x0, lvh); labelY = AXIS + 11;
        }
        if (labelY >= 0 && x1 - x0 > 110) {
          ctx.fillStyle = '#9a3412'; ctx.textAlign = 'left';
          ctx.fillText('evidence missing (throttled)', Math.max(x0, GUTTER) + 4, labelY);
        }
      });

      // events
      var i0 = lowerBound(EV.T, EV.nTimed, view.t0 - 8 / sc), i1 = upperBound(EV.T, EV.nTimed, view.t1 + 8 / sc);
      inView = 0;
      var F = EV.F, T = EV.T, L = laneOf, S = EV.S, i;
      var nF = FAMS.length;
      var pathsOn = [], pathsOff = [];
      for (i = 0; i < nF; i++) { pathsOn.push(new Path2D()); pathsOff.push(new Path2D()); }
      var dense = (i1 - i0) > SPARSE_MAX;
      if (!dense) {
        for (i = i0; i < i1; i++) {
          var ln = L[i];
          if (ln < firstLane || ln > lastLane) continue;
          inView++;
          var f = F[i];
          addShape((sel < 0 || S[i] === sel) ? pathsOn[f] : pathsOff[f], FAMS[f].shape, GUTTER + (T[i] - view.t0) * sc, laneY(ln) + LANE_H / 2, 4.2);
        }
      } else {
        var cols = Math.ceil(plotW() / CELL) + 6, nl = lastLane - firstLane + 1, cells = cols * nl;
        if (bestBuf.length < cells) { bestBuf = new Int8Array(cells); cntBuf = new Uint32Array(cells); selBuf = new Uint8Array(cells); }
        var best = bestBuf, cnt = cntBuf, hasSel = selBuf;
        best.fill(-1, 0, cells); cnt.fill(0, 0, cells); hasSel.fill(0, 0, cells);
        var prio = FAMS.map(function (x) { return x.prio; });
        var sx = sc / CELL, off = 3;
        for (i = i0; i < i1; i++) {
          var l2 = L[i];
          if (l2 < firstLane || l2 > lastLane) continue;
          var col = ((T[i] - view.t0) * sx + off) | 0;
          if (col < 0 || col >= cols) continue;
          var idx = (l2 - firstLane) * cols + col;
          cnt[idx]++;
          var ff = F[i], b = best[idx];
          if (b < 0 || prio[ff] > prio[b]) best[idx] = ff;
          if (S[i] === sel) hasSel[idx] = 1;
        }
        for (var li = 0; li < nl; li++) {
          var cy = laneY(firstLane + li) + LANE_H / 2, base = li * cols;
          for (var c = 0; c < cols; c++) {
            var n = cnt[base + c];
            if (!n) continue;
            inView += n;
            var fb = best[base + c];
            var r = n === 1 ? 3.6 : Math.min(6, 3.6 + Math.log(n) * 0.55);
            addShape((sel < 0 || hasSel[base + c]) ? pathsOn[fb] : pathsOff[fb], FAMS[fb].shape, GUTTER + (c - off + 0.5) * CELL, cy, r);
          }
        }
      }
      // draw rarer, more important families last so they stay on top
      var orderF = [6, 5, 3, 4, 1, 2, 0];
      if (sel >= 0) {
        ctx.globalAlpha = 0.25;
        orderF.forEach(function (f) { ctx.fillStyle = FAMS[f].color; ctx.fill(pathsOff[f]); });
        ctx.globalAlpha = 1;
      }
      orderF.forEach(function (f) { ctx.fillStyle = FAMS[f].color; ctx.fill(pathsOn[f]); });

      // selected event ring
      if (state.selEvent >= 0 && isFinite(T[state.selEvent])) {
        var se = state.selEvent, sl = L[se];
        if (sl >= firstLane && sl <= lastLane) {
          ctx.strokeStyle = '#111'; ctx.lineWidth = 2;
          ctx.beginPath(); ctx.arc(xOf(T[se]), laneY(sl) + LANE_H / 2, 8, 0, 6.2832); ctx.stroke();
        }
      }
      ctx.restore();

      // axis
      ctx.fillStyle = '#f6f8fa'; ctx.fillRect(0, 0, W, AXIS);
      ctx.strokeStyle = '#d0d7de'; ctx.beginPath(); ctx.moveTo(0, AXIS - 0.5); ctx.lineTo(W, AXIS - 0.5); ctx.stroke();
      windows.forEach(function (w) {
        if (!isFinite(w.startMs) || !isFinite(w.endMs)) return;
        var a = Math.max(GUTTER, xOf(w.startMs)), b2 = Math.min(W, xOf(w.endMs));
        if (b2 > a - 2) { ctx.fillStyle = '#c2410c'; ctx.fillRect(a, AXIS - 5, Math.max(2, b2 - a), 4); }
      });
      ctx.save();
      ctx.beginPath(); ctx.rect(GUTTER, 0, W - GUTTER, AXIS); ctx.clip();
      ctx.fillStyle = '#1b1f24'; ctx.textAlign = 'center';
      var prevDay = null, showSec = step < 6e4, dayStep = step >= 864e5;
      ctx.strokeStyle = '#8c959f';
      for (var tt = firstTick; tt <= view.t1; tt += step) {
        var tx = xOf(tt), day = fmtDate(tt);
        ctx.beginPath(); ctx.moveTo(Math.round(tx) + 0.5, AXIS - 6); ctx.lineTo(Math.round(tx) + 0.5, AXIS); ctx.stroke();
        if (dayStep) { ctx.fillText(day, tx, 22); continue; }
        ctx.fillText(showSec ? fmtHMS(tt) : fmtHMS(tt).slice(0, 5), tx, 23);
        if (day !== prevDay) {
          ctx.font = 'bold 11px system-ui, sans-serif'; ctx.textAlign = 'left';
          ctx.fillText(day, Math.max(GUTTER + 3, tx - 30), 9);
          ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif'; ctx.textAlign = 'center';
          prevDay = day;
        }
      }
      ctx.restore();

      // gutter
      ctx.fillStyle = '#f6f8fa'; ctx.fillRect(0, 0, GUTTER, AXIS);
      ctx.fillStyle = '#57606a'; ctx.textAlign = 'left';
      ctx.fillText(state.laneMode === 'session' ? 'Session \u00b7 user' : 'Client IP', 6, 12);
      ctx.textAlign = 'right'; ctx.fillText('UTC', GUTTER - 6, 23);
      ctx.save();
      ctx.beginPath(); ctx.rect(0, AXIS, GUTTER, lvh); ctx.clip();
      for (var k3 = firstLane; k3 <= lastLane; k3++) {
        var ly = laneY(k3);
        var on = sel >= 0 && laneSessions[k3].has(sel);
        ctx.fillStyle = on ? '#fff3b0' : (k3 % 2 ? '#eef1f4' : '#f6f8fa');
        ctx.fillRect(0, ly, GUTTER, LANE_H);
        ctx.fillStyle = '#1b1f24'; ctx.textAlign = 'left';
        ctx.fillText(laneLabel(k3, GUTTER - 12), 6, ly + LANE_H / 2);
      }
      ctx.restore();
      ctx.strokeStyle = '#d0d7de'; ctx.beginPath(); ctx.moveTo(GUTTER - 0.5, 0); ctx.lineTo(GUTTER - 0.5, H); ctx.stroke();

      var note = byId('tl-note');
      note.textContent = dense ? 'Dense view: events are grouped per ' + CELL + ' px and each mark shows the most serious kind of operation in its group. Zoom in to see single events.' : '';
      byId('tl-range').textContent = fmtTime(view.t0).slice(0, 16) + ' \u2013 ' + fmtTime(view.t1).slice(0, 16) + ' UTC (' + fmtDur(view.t1 - view.t0) + ') \u00b7 ' + plural(inView, 'event') + ' in view';
      canvas.setAttribute('data-view', Math.round(view.t0) + ',' + Math.round(view.t1));
      canvas.setAttribute('data-selected-session', String(sel));
      canvas.setAttribute('data-in-view', String(inView));
      lastDrawMs = performance.now() - t0p;
    }

    function laneAt(y) {
      if (y < AXIS) return -1;
      var k = Math.floor((y - AXIS + scroller.scrollTop) / LANE_H);
      return k >= 0 && k < lanes.length ? k : -1;
    }
    function hitTest(x, y) {
      var lane = laneAt(y);
      if (lane < 0 || x < GUTTER) return { lane: lane, best: -1, count: 0 };
      var sc = scale(), t = tOf(x), tol = 7 / sc;
      var i0 = lowerBound(EV.T, EV.nTimed, t - tol), i1 = upperBound(EV.T, EV.nTimed, t + tol);
      var best = -1, bestD = Infinity, count = 0, ops = new Map(), scanned = 0;
      for (var i = i0; i < i1 && scanned < 200000; i++, scanned++) {
        if (laneOf[i] !== lane) continue;
        count++;
        var d = Math.abs(EV.T[i] - t) + (state.selSession >= 0 && EV.S[i] !== state.selSession ? tol : 0);
        if (d < bestD) { bestD = d; best = i; }
        var o = EV.ops[EV.OP[i]].name;
        ops.set(o, (ops.get(o) || 0) + 1);
      }
      return { lane: lane, best: best, count: count, ops: ops };
    }
    function windowsAt(x, lane) {
      var t = tOf(x);
      return windows.filter(function (w) {
        if (!(t >= w.startMs && t <= w.endMs)) return false;
        if (lane < 0 || !w.affected.size) return true;
        return laneHit(w, lane) || !w.affectedAnyLane;
      });
    }

    var tip;
    function showTip(lines, cx, cy) {
      tip.textContent = lines.join('\n');
      tip.hidden = false;
      var r = tip.getBoundingClientRect();
      var x = cx + 14, y = cy + 14;
      if (x + r.width > window.innerWidth - 4) x = Math.max(4, cx - r.width - 14);
      if (y + r.height > window.innerHeight - 4) y = Math.max(4, cy - r.height - 14);
      tip.style.left = x + 'px'; tip.style.top = y + 'px';
    }
    function hideTip() { tip.hidden = true; }
    function hover(e) {
      var rect = canvas.getBoundingClientRect(), x = e.clientX - rect.left, y = e.clientY - rect.top;
      var lines = [];
      if (x < GUTTER && y >= AXIS) {
        var ln = laneAt(y);
        if (ln >= 0) lines.push(lanes[ln].full, state.laneMode === 'session' ? 'Click to select this session' : '');
      } else if (x >= GUTTER) {
        var hit = hitTest(x, y);
        if (hit.best >= 0) {
          var ev = EV.events[hit.best];
          if (hit.count > 1) {
            lines.push(plural(hit.count, 'event') + ' here \u2014 zoom in to separate them');
            var top = Array.from(hit.ops.entries()).sort(function (a, b) { return b[1] - a[1]; }).slice(0, 5);
            top.forEach(function (o) { lines.push('  ' + o[0] + ' \u00d7' + o[1]); });
            lines.push('Nearest:');
          }
          lines.push(fmtTimeUtc(EV.T[hit.best]) + '  ' + str(ev.o) + '  [' + FAMS[EV.F[hit.best]].label + ']');
          if (str(ev.u)) lines.push('User: ' + trunc(str(ev.u), 120));
          if (str(ev.ip)) lines.push('Client IP: ' + trunc(str(ev.ip), 80));
          if (str(ev.r)) lines.push('Result: ' + trunc(str(ev.r), 80));
          if (str(ev.d)) lines.push('Detail: ' + trunc(str(ev.d), 300));
          lines.push('Click for details');
        }
        var ws = windowsAt(x, laneAt(y));
        ws.forEach(function (w) {
          if (lines.length) lines.push('');
          lines.push('EVIDENCE MISSING \u2014 ' + w.mailbox, throttleSentence(w));
        });
      }
      lines = lines.filter(function (l, i) { return l !== '' || i > 0; });
      if (lines.length) showTip(lines, e.clientX, e.clientY); else hideTip();
    }

    var drag = null;
    function onDown(e) {
      if (e.button !== 0) return;
      canvas.focus({ preventScroll: true });
      drag = { x: e.clientX, y: e.clientY, t0: view.t0, t1: view.t1, st: scroller.scrollTop, moved: false, id: e.pointerId };
      try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
    }
    function onMove(e) {
      if (drag) {
        var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; canvas.classList.add('dragging'); hideTip(); }
        if (drag.moved) {
          var dt = -dx * (drag.t1 - drag.t0) / plotW();
          setView(drag.t0 + dt, drag.t1 + dt);
          scroller.scrollTop = drag.st - dy;
          return;
        }
      }
      hover(e);
    }
    function onUp(e) {
      if (!drag) return;
      var d = drag; drag = null;
      canvas.classList.remove('dragging');
      try { canvas.releasePointerCapture(d.id); } catch (err) { /* ignore */ }
      if (d.moved) return;
      var rect = canvas.getBoundingClientRect(), x = e.clientX - rect.left, y = e.clientY - rect.top;
      if (x < GUTTER) {
        var ln = laneAt(y);
        if (ln >= 0 && state.laneMode === 'session') {
          var s = -1; lanes[ln].sessions.forEach(function (v) { s = v; });
          if (s >= 0) selectSession(state.selSession === s ? -1 : s);
        }
        return;
      }
      var hit = hitTest(x, y);
      if (hit.best >= 0) { hideTip(); openDetails(hit.best, 'timeline'); }
    }
    function onWheel(e) {
      e.preventDefault();
      hideTip();
      var dy = e.deltaY, dx = e.deltaX;
      if (e.deltaMode === 1) { dy *= 16; dx *= 16; } else if (e.deltaMode === 2) { dy *= 400; dx *= 400; }
      if (e.shiftKey && !dx) { scroller.scrollTop += dy; return; }
      if (Math.abs(dx) > Math.abs(dy)) { pan(dx / plotW()); return; }
      var rect = canvas.getBoundingClientRect();
      zoomAt(Math.exp(Math.max(-300, Math.min(300, dy)) * 0.002), e.clientX - rect.left);
    }
    function onKey(e) {
      var k = e.key;
      if (k === '+' || k === '=') zoomAt(0.5, NaN);
      else if (k === '-' || k === '_') zoomAt(2, NaN);
      else if (k === 'ArrowLeft') pan(-0.2);
      else if (k === 'ArrowRight') pan(0.2);
      else if (k === 'ArrowUp') scroller.scrollTop -= LANE_H;
      else if (k === 'ArrowDown') scroller.scrollTop += LANE_H;
      else if (k === '0' || k === 'Home') setView(full.t0, full.t1);
      else return;
      e.preventDefault();
    }

    function legend() {
      var lg = byId('tl-legend');
      clear(lg);
      var counts = new Array(FAMS.length).fill(0);
      for (var i = 0; i < EV.n; i++) counts[EV.F[i]]++;
      FAMS.forEach(function (f, k) {
        var c = h('canvas', { 'aria-hidden': 'true' });
        var d = window.devicePixelRatio || 1;
        c.width = Math.round(14 * d); c.height = Math.round(14 * d);
        var g = c.getContext('2d');
        g.setTransform(d, 0, 0, d, 0, 0);
        var p = new Path2D(); addShape(p, f.shape, 7, 7, 4.5);
        g.fillStyle = f.color; g.fill(p);
        lg.appendChild(h('span', { 'data-family': f.key }, c, f.label + ' (' + fmtNum(counts[k]) + ')'));
      });
      var hc = h('canvas', { 'aria-hidden': 'true' });
      var d2 = window.devicePixelRatio || 1;
      hc.width = Math.round(14 * d2); hc.height = Math.round(14 * d2);
      var hg = hc.getContext('2d');
      hg.fillStyle = ctx.createPattern ? makeHatchFor(hg) : '#c2410c';
      hg.fillRect(0, 0, hc.width, hc.height);
      lg.appendChild(h('span', null, hc, 'Evidence missing (auditing throttled)'));
    }
    function makeHatchFor(g) {
      var save = ctx; ctx = g; var p = makeHatch(); ctx = save; return p;
    }

    function init() {
      canvas = byId('tl-canvas'); scroller = byId('tl-scroll'); spacer = byId('tl-spacer'); tip = byId('tooltip');
      ctx = canvas.getContext('2d');
      canvas.setAttribute('tabindex', '0');
      windows = collectThrottle();
      computeFull();
      view = { t0: full.t0, t1: full.t1 };
      buildLanes();
      markAffectedLanes();
      legend();
      canvas.addEventListener('pointerdown', onDown);
      canvas.addEventListener('pointermove', onMove);
      canvas.addEventListener('pointerup', onUp);
      canvas.addEventListener('pointercancel', function () { drag = null; canvas.classList.remove('dragging'); });
      canvas.addEventListener('pointerleave', function () { if (!drag) hideTip(); });
      canvas.addEventListener('wheel', onWheel, { passive: false });
      canvas.addEventListener('keydown', onKey);
      scroller.addEventListener('scroll', function () { hideTip(); request(); });
      byId('tl-zoom-in').addEventListener('click', function () { zoomAt(0.5, NaN); });
      byId('tl-zoom-out').addEventListener('click', function () { zoomAt(2, NaN); });
      byId('tl-left').addEventListener('click', function () { pan(-0.25); });
      byId('tl-right').addEventListener('click', function () { pan(0.25); });
      byId('tl-reset').addEventListener('click', function () { setView(full.t0, full.t1); });
      ['tl-mode-session', 'tl-mode-ip'].forEach(function (id) {
        byId(id).addEventListener('change', function (e) {
          if (!e.target.checked) return;
          state.laneMode = e.target.value === 'ip' ? 'ip' : 'session';
          buildLanes();
          markAffectedLanes();
        });
      });
      var lastW = 0;
      var ro = new ResizeObserver(function () { var w = scroller.clientWidth; if (w !== lastW) { lastW = w; layout(); } });
      ro.observe(scroller);
      window.addEventListener('resize', debounce(layout, 150));
      draw();
    }

    function scrollToLane(k) {
      var top = k * LANE_H, vh = lanesViewH();
      if (top < scroller.scrollTop || top + LANE_H > scroller.scrollTop + vh) scroller.scrollTop = Math.max(0, top - vh / 2);
    }

    return {
      init: init,
      request: request,
      windows: function () { return windows; },
      view: function () { return view; },
      full: function () { return full; },
      setView: setView,
      zoomAt: zoomAt,
      lastDrawMs: function () { return lastDrawMs; },
      onViewChange: function (f) { listeners.push(f); },
      onSessionSelected: function (i) {
        if (i >= 0) {
          for (var k = 0; k < lanes.length; k++) if (laneSessions[k].has(i)) { scrollToLane(k); break; }
        }
        request();
      },
      zoomToSession: function (i) {
        var s = D.sessions[i];
        var a = s.firstMs, b = s.lastMs;
        if (!isFinite(a) || !isFinite(b)) return;
        var m = Math.max((b - a) * 0.1, 30e3);
        setView(a - m, b + m);
        byId('timeline').scrollIntoView({ block: 'nearest' });
      },
      zoomToWindow: function (w) {
        var m = Math.max((w.endMs - w.startMs) * 0.15, 60e3);
        setView(w.startMs - m, w.endMs + m);
        byId('timeline').scrollIntoView();
      },
      eventPoint: function (i) {
        var t = EV.T[i];
        if (!isFinite(t) || t < view.t0 || t > view.t1) return null;
        var y = AXIS + laneOf[i] * LANE_H - scroller.scrollTop + LANE_H / 2;
        if (y < AXIS || y > H) return null;
        var r = canvas.getBoundingClientRect();
        return { x: r.left + xOf(t), y: r.top + y };
      },
      focusEvent: function (i) {
        var t = EV.T[i];
        if (!isFinite(t)) return;
        var span = Math.min(view.t1 - view.t0, 2 * 3600e3);
        setView(t - span / 2, t + span / 2);
        scrollToLane(laneOf[i]);
      }
    };
  })();

  // --------------------------------------------------------------- events list
  var LIST = (function () {
    var ROW_H = 24, MAX_H = 8e6, OVERSCAN = 6;
    var vp, spacer, pool = [], filtered = new Int32Array(0), nFiltered = 0, cursor = -1, lastFilterMs = 0;
    var fText, fRaw, fOp, fInView, countEl;
    var rawWaiting = false, rawProblem = '';

    function ratio(viewH) {
      var virt = nFiltered * ROW_H, real = Math.min(virt, MAX_H);
      var mr = Math.max(0, real - viewH), mv = Math.max(0, virt - viewH);
      return mr > 0 ? mv / mr : 1;
    }
    function makeRow() {
      var row = h('div', { class: 'ev-row ev-grid', role: 'row' });
      var cells = [];
      for (var k = 0; k < 8; k++) { var c = h('span', { role: 'cell' }); row.appendChild(c); cells.push(c); }
      var sw = h('span', { class: 'fam', 'aria-hidden': 'true' });
      var opText = document.createTextNode('');
      cells[2].appendChild(sw); cells[2].appendChild(opText);
      row._cells = cells; row._sw = sw; row._op = opText; row._ev = -1;
      spacer.appendChild(row);
      return row;
    }
    function fill(row, i) {
      var e = EV.events[i], c = row._cells, s = EV.S[i];
      c[0].textContent = isFinite(EV.T[i]) ? fmtTime(EV.T[i]) : str(e.t);
      var sid = s >= 0 ? D.sessions[s].id : '';
      c[1].textContent = s >= 0 ? shortId(sid) : '\u2014';
      c[1].title = s >= 0 ? (sid || '(no SessionId)') : 'no session';
      row._sw.style.background = FAMS[EV.F[i]].color;
      var op = str(e.o);
      row._op.data = op;
      c[2].title = op + ' (' + FAMS[EV.F[i]].label + ')';
      c[3].textContent = str(e.u); c[3].title = str(e.u);
      c[4].textContent = str(e.ip);
      c[5].textContent = str(e.w);
      c[6].textContent = str(e.r);
      var d = str(e.d);
      c[7].textContent = d.length > 400 ? d.slice(0, 400) + '\u2026' : d;
      c[7].title = d.length > 2000 ? d.slice(0, 2000) + '\u2026' : d;
      row._ev = i;
      row.setAttribute('data-ev', i);
    }
    function render() {
      var viewH = vp.clientHeight || 480, st = vp.scrollTop;
      var r = ratio(viewH), vTop = st * r;
      var first = Math.max(0, Math.floor(vTop / ROW_H) - OVERSCAN);
      var last = Math.min(nFiltered, Math.ceil((vTop + viewH) / ROW_H) + OVERSCAN);
      var need = Math.max(0, last - first);
      while (pool.length < need) pool.push(makeRow());
      for (var k = 0; k < pool.length; k++) {
        var row = pool[k];
        if (k >= need) { if (!row.hidden) row.hidden = true; continue; }
        var pos = first + k, i = filtered[pos];
        if (row._ev !== i) fill(row, i);
        row.hidden = false;
        row.style.transform = 'translateY(' + (st + pos * ROW_H - vTop) + 'px)';
        var on = i === state.selEvent || pos === cursor;
        if (row.classList.contains('selected') !== on) row.classList.toggle('selected', on);
      }
    }
    function setHeight() {
      spacer.style.height = Math.min(nFiltered * ROW_H, MAX_H) + 'px';
    }

    function refilter() {
      var t0 = performance.now();
      var q = fText.value.trim().toLowerCase();
      var terms = q ? q.split(/\s+/) : [];
      // Searching the raw text needs all of it decompressed: the first time, the fields are
      // searched now and the list is filtered again once the raw text is there.
      var rawState = fRaw.checked && terms.length ? (RAW.ready() ? 'ready' : rawProblem ? 'unavailable' : 'loading') : '';
      if (rawState === 'loading' && !rawWaiting) {
        rawWaiting = true;
        RAW.loadAll().then(function () { rawWaiting = false; refilter(); },
          function (err) { rawWaiting = false; rawProblem = err && err.message ? err.message : String(err); refilter(); });
      }
      var rawRe = rawState === 'ready' ? terms.map(function (t) { return new RegExp(escapeRe(t), 'i'); }) : null;
      var opv = fOp.value, famSel = -1, opSel = -1;
      if (opv.indexOf('fam:') === 0) famSel = +opv.slice(4);
      else if (opv.indexOf('op:') === 0) opSel = +opv.slice(3);
      var sel = state.selSession;
      var lim = fInView.checked ? TL.view() : null;
      var n = EV.n, out = filtered.length >= n ? filtered : new Int32Array(n), m = 0;
      var S = EV.S, F = EV.F, OP = EV.OP, T = EV.T, nt = terms.length;
      for (var i = 0; i < n; i++) {
        if (sel >= 0 && S[i] !== sel) continue;
        if (famSel >= 0 && F[i] !== famSel) continue;
        if (opSel >= 0 && OP[i] !== opSel) continue;
        if (lim && !(T[i] >= lim.t0 && T[i] <= lim.t1)) continue;
        if (nt) {
          var hay = eventHay(i), ok = true, raw = null;
          for (var k = 0; k < nt; k++) {
            if (hay.indexOf(terms[k]) >= 0) continue;
            if (rawRe) { if (raw === null) raw = RAW.text(i) || ''; if (rawRe[k].test(raw)) continue; }
            ok = false; break;
          }
          if (!ok) continue;
        }
        out[m++] = i;
      }
      filtered = out; nFiltered = m; cursor = -1;
      setHeight();
      vp.scrollTop = 0;
      pool.forEach(function (r) { r._ev = -1; });
      render();
      var empty = byId('ev-empty');
      if (!m && !empty) spacer.appendChild(h('div', { id: 'ev-empty', class: 'ev-empty' }, EV.n ? 'No event matches the filters.' : 'No events in this report.'));
      else if (m && empty) empty.remove();
      countEl.textContent = (m === n ? plural(n, 'event') : fmtNum(m) + ' of ' + plural(n, 'event')) +
        (rawState === 'loading' ? ' (decompressing the raw AuditData to search it\u2026)' : rawState === 'unavailable' ? ' (raw AuditData not searched: ' + rawProblem + ')' : '');
      vp.setAttribute('data-count', String(m));
      vp.setAttribute('data-raw-search', rawState);
      lastFilterMs = performance.now() - t0;
    }

    function scrollToEvent(i) {
      // filtered is ascending in event index; binary search
      var lo = lowerBound(filtered, nFiltered, i);
      if (lo >= nFiltered || filtered[lo] !== i) { render(); return; }
      var viewH = vp.clientHeight || 480, r = ratio(viewH);
      var top = lo * ROW_H, vTop = vp.scrollTop * r;
      if (top < vTop || top + ROW_H > vTop + viewH) vp.scrollTop = Math.max(0, (top - viewH / 2) / r);
      render();
    }

    function init() {
      vp = byId('ev-viewport'); spacer = byId('ev-spacer');
      fText = byId('ev-filter'); fRaw = byId('ev-filter-raw'); fOp = byId('ev-op'); fInView = byId('ev-in-view'); countEl = byId('ev-count');
      fOp.appendChild(new Option('All operations (' + fmtNum(EV.n) + ')', ''));
      var famCount = new Array(FAMS.length).fill(0);
      for (var i = 0; i < EV.n; i++) famCount[EV.F[i]]++;
      var g1 = document.createElement('optgroup'); g1.label = 'Kinds of operation';
      FAMS.forEach(function (f, k) { if (famCount[k]) g1.appendChild(new Option(f.label + ' (' + fmtNum(famCount[k]) + ')', 'fam:' + k)); });
      fOp.appendChild(g1);
      var g2 = document.createElement('optgroup'); g2.label = 'Operations';
      EV.ops.map(function (o, k) { return [o, k]; }).sort(function (a, b) { return b[0].count - a[0].count || (a[0].name < b[0].name ? -1 : 1); })
        .forEach(function (x) { g2.appendChild(new Option((x[0].name || '(empty)') + ' (' + fmtNum(x[0].count) + ')', 'op:' + x[1])); });
      fOp.appendChild(g2);
      var deb = debounce(refilter, 150);
      fText.addEventListener('input', deb);
      fRaw.addEventListener('change', refilter);
      fOp.addEventListener('change', refilter);
      fInView.addEventListener('change', refilter);
      TL.onViewChange(debounce(function () { if (fInView.checked) refilter(); }, 250));
      var rafP = false;
      vp.addEventListener('scroll', function () { if (rafP) return; rafP = true; requestAnimationFrame(function () { rafP = false; render(); }); }, { passive: true });
      vp.addEventListener('click', function (e) {
        var row = e.target.closest('.ev-row');
        if (row && row._ev >= 0) openDetails(row._ev, 'list');
      });
      vp.addEventListener('keydown', function (e) {
        if (!nFiltered) return;
        var viewH = vp.clientHeight || 480, page = Math.max(1, Math.floor(viewH / ROW_H) - 1);
        var d = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page }[e.key];
        if (d) {
          e.preventDefault();
          if (cursor < 0) cursor = Math.floor(vp.scrollTop * ratio(viewH) / ROW_H) - (d > 0 ? 1 : 0);
          cursor = Math.max(0, Math.min(nFiltered - 1, cursor + d));
          var r = ratio(viewH), top = cursor * ROW_H, vTop = vp.scrollTop * r;
          if (top < vTop) vp.scrollTop = top / r;
          else if (top + ROW_H > vTop + viewH) vp.scrollTop = (top + ROW_H - viewH) / r;
          render();
        } else if (e.key === 'Enter' && cursor >= 0) { e.preventDefault(); openDetails(filtered[cursor], 'list'); }
      });
      new ResizeObserver(function () { render(); }).observe(vp);
      refilter();
    }

    function printTable() {
      var box = byId('ev-print');
      clear(box);
      var cap = Math.min(nFiltered, 3000);
      box.appendChild(h('p', { class: 'muted' }, 'Events (' + (cap < nFiltered ? 'first ' + fmtNum(cap) + ' of ' : '') + plural(nFiltered, 'event') +
        ' matching the current filters' + (cap < nFiltered ? '; narrow the filters to print the rest' : '') + '):'));
      var tb = h('tbody');
      for (var k = 0; k < cap; k++) {
        var i = filtered[k], e = EV.events[i], s = EV.S[i];
        tb.appendChild(h('tr', null, h('td', { class: 'nowrap' }, fmtTime(EV.T[i]) || str(e.t)), h('td', { class: 'mono' }, s >= 0 ? shortId(D.sessions[s].id) : ''),
          h('td', null, str(e.o)), h('td', null, str(e.u)), h('td', null, str(e.ip)), h('td', null, str(e.r)), h('td', null, trunc(str(e.d), 300))));
      }
      box.appendChild(h('table', { class: 'data' }, h('thead', null, h('tr', null, ['Time (UTC)', 'Session', 'Operation', 'User', 'Client IP', 'Result', 'Detail'].map(function (x) { return h('th', null, x); }))), tb));
    }

    return {
      init: init, refilter: refilter, render: render, scrollToEvent: scrollToEvent, printTable: printTable,
      lastFilterMs: function () { return lastFilterMs; },
      count: function () { return nFiltered; }
    };
  })();

  // ------------------------------------------------------------- details panel
  function prettyRaw(raw) {
    if (raw === '') return { text: '', json: false };
    try {
      var v = JSON.parse(raw);
      if (v && typeof v === 'object') return { text: JSON.stringify(v, null, 2), json: true };
    } catch (e) { /* not JSON: show as is */ }
    return { text: raw, json: false };
  }
  var detailsToken = 0;
  function showRaw(box, text) {
    clear(box);
    if (text === null || text === '') {
      box.appendChild(h('p', { class: 'muted', id: 'details-raw-missing' }, 'The raw AuditData of this event is not included in the report.'));
      return;
    }
    var p = prettyRaw(text);
    box.appendChild(h('p', { class: 'muted small' }, p.json ? 'Parsed as JSON and pretty-printed.' : 'Not valid JSON: shown exactly as recorded.'));
    box.appendChild(h('pre', { id: 'details-raw' }, p.text));
  }
  function openDetails(i, from) {
    state.selEvent = i;
    var token = ++detailsToken;
    var e = EV.events[i], s = EV.S[i];
    var panel = byId('details'), body = byId('details-body');
    clear(body);
    var dl = h('dl', { id: 'details-fields' });
    function row(k, v, cls) { dl.appendChild(h('dt', null, k)); dl.appendChild(h('dd', cls ? { class: cls } : null, v)); }
    row('Time', isFinite(EV.T[i]) ? fmtTimeUtc(EV.T[i]) + (str(e.t) && str(e.t) !== new Date(EV.T[i]).toISOString() ? '  (' + str(e.t) + ')' : '') : (str(e.t) || '(no time)'));
    row('Operation', str(e.o) + '  \u2014 ' + FAMS[EV.F[i]].label);
    row('User', str(e.u) || '\u2014');
    row('Client IP', str(e.ip) || '\u2014', 'mono');
    row('Workload', str(e.w) || '\u2014');
    row('Result', str(e.r) || '\u2014');
    row('Detail', str(e.d) || '\u2014');
    row('Record Id', str(e.id) || '\u2014', 'mono');
    if (s >= 0) {
      var ses = D.sessions[s];
      var dd = h('dd', null, h('span', { class: 'mono' }, ses.id === '' ? '(no SessionId)' : ses.id), ' ');
      var b = h('button', { type: 'button', class: 'no-print' }, state.selSession === s ? 'Session selected' : 'Select this session');
      b.addEventListener('click', function () { selectSession(s); b.textContent = 'Session selected'; });
      dd.appendChild(b);
      dl.appendChild(h('dt', null, 'Session')); dl.appendChild(dd);
      if (ses.clients.length) row('Session clients', ses.clients.join('\n'));
    } else row('Session', '(none)');
    var known = { t: 1, s: 1, o: 1, u: 1, ip: 1, w: 1, r: 1, d: 1, id: 1, raw: 1 };
    Object.keys(e).forEach(function (k) { if (!known[k]) row(k, str(e[k])); });
    body.appendChild(dl);
    var actions = h('p', { class: 'no-print' });
    var show = h('button', { type: 'button' }, 'Show on timeline');
    show.addEventListener('click', function () { TL.focusEvent(i); byId('timeline').scrollIntoView({ block: 'nearest' }); });
    actions.appendChild(show);
    body.appendChild(actions);
    body.appendChild(h('h3', null, 'Raw AuditData'));
    var rawBox = h('div', { id: 'details-raw-box' }, h('p', { class: 'muted', id: 'details-raw-loading' }, 'Reading the raw AuditData\u2026'));
    body.appendChild(rawBox);
    RAW.get(i).then(function (text) {
      if (token === detailsToken) showRaw(rawBox, text);
    }, function (err) {
      if (token !== detailsToken) return;
      clear(rawBox);
      rawBox.appendChild(h('p', { class: 'notice error', id: 'details-raw-error' }, err && err.message ? err.message : String(err)));
    });
    panel.hidden = false;
    panel.setAttribute('data-ev', String(i));
    panel.scrollTop = 0;
    if (from !== 'list') LIST.scrollToEvent(i); else LIST.render();
    TL.request();
    byId('details-close').focus({ preventScroll: true });
  }
  function closeDetails() {
    detailsToken++;
    byId('details').hidden = true;
    state.selEvent = -1;
    LIST.render();
    TL.request();
  }

  // ------------------------------------------------------------- exposure
  function totalsLine(t, what) {
    t = obj(t);
    return h('p', { class: 'totals' }, h('strong', null, what + ': '),
      plural(num(t.Messages), 'message') + ' bound, ' + plural(num(t.Folders), 'folder') + ' accessed, ' + plural(num(t.Binds), 'bind') +
      (num(t.UnitemizedBinds) ? ' (' + fmtNum(num(t.UnitemizedBinds)) + ' not itemized)' : '') + ', ' +
      plural(num(t.Syncs), 'sync', 'syncs') + ', from ' + plural(num(t.Records), 'MailItemsAccessed record'));
  }
  function cappedTable(id, headers, items, rowFn, cap) {
    var wrap = h('div');
    var tb = h('tbody'), shown = 0;
    function more(lim) { var end = Math.min(items.length, lim); for (; shown < end; shown++) tb.appendChild(rowFn(items[shown])); }
    more(cap);
    wrap.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: id }, h('thead', null, h('tr', null, headers.map(function (x) {
      return h('th', { class: x.num ? 'num' : null }, x.label || x);
    }))), tb)));
    if (shown < items.length) {
      var note = h('p', { class: 'muted small' }, 'Showing ' + fmtNum(shown) + ' of ' + fmtNum(items.length) + '. ');
      var b = h('button', { type: 'button', class: 'no-print' }, 'Show all ' + fmtNum(items.length));
      b.addEventListener('click', function () { more(items.length); note.remove(); });
      note.appendChild(b);
      wrap.appendChild(note);
    }
    return wrap;
  }
  function timeCell(v) { var ms = parseTime(str(v)); return h('td', { class: 'nowrap' }, isFinite(ms) ? fmtTime(ms) : str(v)); }
  // Each mailbox is a <details> whose summary says what it holds; its access contexts (cards and
  // tables, thousands of rows for a large tenant) are built when it is first opened. Mailboxes with
  // a throttled window start open, as do all of them when there are only a few. The throttling
  // warnings themselves are always built, open or not.
  var OPEN_MAILBOXES = 5, OPEN_THROTTLED = 10, CONTEXT_PAGE = 10, ROW_CAP = 50;
  var mailboxBoxes = [];
  function throttleWarning(w) {
    var warn = h('div', { class: 'throttle-warning', role: 'note' }, h('strong', null, 'Evidence missing. '), throttleSentence(w));
    var extra = [];
    if (w.recordId) extra.push('Throttling record: ' + w.recordId);
    if (w.sessionIds.length) extra.push('Sessions active around it: ' + w.sessionIds.map(function (x) { return x || '(no SessionId)'; }).join(', '));
    if (extra.length) warn.appendChild(h('div', { class: 'small mono' }, extra.join(' \u00b7 ')));
    if (isFinite(w.startMs) && isFinite(w.endMs)) {
      var b = h('button', { type: 'button', class: 'no-print' }, 'Show on timeline');
      b.addEventListener('click', function () { TL.zoomToWindow(w); });
      warn.appendChild(b);
    }
    return warn;
  }
  function contextCard(c, mi, ci) {
    c = obj(c);
    var cx = ctxOf(c);
    var throttled = c.DuringThrottling === true || c.Throttled === true;
    var card = h('div', { class: 'context' + (throttled ? ' throttled' : ''), 'data-context': ci });
    card.appendChild(h('h4', null, 'Access context ' + (ci + 1), throttled ? ' ' : '', throttled ? h('span', { class: 'badge warn' }, 'throttled: incomplete') : ''));
    var dl = h('dl');
    [['Session', str(cx.SessionId) || '(no SessionId)'], ['Client IP', str(cx.ClientIPAddress) || '\u2014'], ['Client', str(cx.ClientInfoString) || '\u2014'],
      ['Logon type', str(cx.LogonType) || '\u2014'], ['User', str(cx.UserId) || '\u2014']].forEach(function (x) {
      dl.appendChild(h('dt', null, x[0])); dl.appendChild(h('dd', { class: x[0] === 'Session' || x[0] === 'Client IP' ? 'mono' : null }, x[1]));
    });
    card.appendChild(dl);
    if (throttled) card.appendChild(h('p', { class: 'throttle-warning small' }, h('strong', null, 'Incomplete: '), 'bind auditing was throttled while this client was active, so the list of opened messages below is not complete.'));
    card.appendChild(totalsLine(c.Totals, 'Totals'));
    var sf = arr(c.SyncFolders);
    if (sf.length) {
      card.appendChild(h('h4', null, 'Synced folders \u2014 whole folder exposed (' + fmtNum(sf.length) + ')'));
      card.appendChild(cappedTable('sync-' + mi + '-' + ci, ['Folder', 'Exposure', 'Synced at (UTC)'], sf, function (f) {
        f = obj(f);
        return h('tr', null, h('td', { class: 'mono' }, str(f.Folder)), h('td', null, h('span', { class: 'badge exposed' }, 'whole folder exposed')), timeCell(f.Time));
      }, ROW_CAP));
    }
    var msgs = arr(c.Messages);
    card.appendChild(h('h4', null, 'Individually opened (bound) messages (' + fmtNum(msgs.length) + ')'));
    if (msgs.length) {
      card.appendChild(cappedTable('msgs-' + mi + '-' + ci, ['InternetMessageId', 'Folder', 'First access (UTC)', 'Last access (UTC)', { label: 'Accesses', num: true }], msgs, function (m) {
        m = obj(m);
        return h('tr', null, h('td', { class: 'mono' }, str(m.InternetMessageId)), h('td', { class: 'mono' }, str(m.Folder) || strArr(m.Folders).join('; ')), timeCell(m.FirstAccess), timeCell(m.LastAccess),
          h('td', { class: 'num' }, fmtNum(num(m.Accesses))));
      }, ROW_CAP));
    } else card.appendChild(h('p', { class: 'muted' }, 'No message bind recorded in this context.'));
    return card;
  }
  /** Builds a mailbox's contents (totals and access contexts) the first time it is needed. */
  function buildMailbox(box) {
    if (box.built) return;
    box.built = true;
    var mb = box.mb, body = box.body, ctxs = arr(mb.Contexts), shown = 0;
    body.appendChild(totalsLine(mb.Totals, 'This mailbox'));
    if (!ctxs.length) { body.appendChild(h('p', { class: 'muted' }, 'No access context recorded.')); return; }
    var cards = h('div'), note = null;
    body.appendChild(cards);
    function more(limit) {
      var end = Math.min(ctxs.length, limit), frag = document.createDocumentFragment();
      for (; shown < end; shown++) frag.appendChild(contextCard(ctxs[shown], box.index, shown));
      cards.appendChild(frag);
      if (shown >= ctxs.length && note) { note.remove(); note = null; }
    }
    more(CONTEXT_PAGE);
    if (shown < ctxs.length) {
      note = h('p', { class: 'muted small' }, 'Showing ' + fmtNum(shown) + ' of ' + plural(ctxs.length, 'access context') + '. ');
      var b = h('button', { type: 'button', class: 'no-print' }, 'Show all ' + fmtNum(ctxs.length));
      b.addEventListener('click', function () { more(ctxs.length); });
      note.appendChild(b);
      body.appendChild(note);
    }
  }
  function mailboxSummary(name, mb, tw) {
    var t = obj(mb.Totals), nCtx = arr(mb.Contexts).length;
    return h('summary', null, 'Mailbox ', h('span', { class: 'mono' }, name), tw.length ? ' ' : '', tw.length ? h('span', { class: 'badge warn' }, 'evidence gap: throttled') : '',
      ' ', h('span', { class: 'mailbox-facts' }, plural(num(t.Messages), 'message') + ' bound \u00b7 ' + plural(num(t.Folders), 'folder') + ' \u00b7 ' +
        plural(num(t.Syncs), 'sync', 'syncs') + ' \u00b7 ' + plural(nCtx, 'access context')));
  }
  function renderExposure(windows) {
    var box = byId('exposure-body');
    clear(box);
    mailboxBoxes = [];
    var ex = D.exposure;
    if (!ex) {
      box.appendChild(h('p', { class: 'notice', id: 'exposure-none' }, 'No MailItemsAccessed exposure analysis is included in this report (no MailItemsAccessed records matched, or the analysis was not run).'));
      return;
    }
    var mbs = arr(ex.mailboxes || ex.Mailboxes);
    box.appendChild(totalsLine(ex.Totals, 'All mailboxes'));
    if (!mbs.length) { box.appendChild(h('p', { class: 'muted' }, 'No mailbox had MailItemsAccessed records.')); return; }
    var many = mbs.length > OPEN_MAILBOXES, openThrottled = 0;
    if (many) {
      var gaps = mbs.filter(function (mb) { return arr(obj(mb).ThrottledWindows).length > 0; }).map(function (mb) { return str(obj(mb).Mailbox) || '(unknown mailbox)'; });
      var nGap = gaps.length, named = gaps.slice(0, OPEN_THROTTLED).join(', ') + (nGap > OPEN_THROTTLED ? ', \u2026' : '');
      var filter = h('input', { type: 'search', id: 'mailbox-filter' });
      filter.placeholder = 'mailbox\u2026'; filter.autocomplete = 'off'; filter.spellcheck = false;
      var count = h('span', { id: 'mailbox-count', class: 'muted', 'aria-live': 'polite' });
      box.appendChild(h('p', { class: 'muted', id: 'mailbox-index' }, plural(mbs.length, 'mailbox', 'mailboxes') +
        (nGap ? ', ' + fmtNum(nGap) + ' with an evidence gap (' + named + ')' : '') + '. Click a mailbox to see its access contexts.'));
      box.appendChild(h('div', { class: 'toolbar no-print' }, h('label', null, 'Filter ', filter), count));
      filter.addEventListener('input', debounce(function () {
        var q = filter.value.trim().toLowerCase(), n = 0;
        mailboxBoxes.forEach(function (b) { var on = !q || b.name.toLowerCase().indexOf(q) >= 0; b.det.hidden = !on; if (on) n++; });
        count.textContent = q ? fmtNum(n) + ' of ' + plural(mailboxBoxes.length, 'mailbox', 'mailboxes') : '';
      }, 120));
    }
    var wi = 0, frag = document.createDocumentFragment();
    mbs.forEach(function (mb, mi) {
      mb = obj(mb);
      var name = str(mb.Mailbox) || '(unknown mailbox)';
      var tw = arr(mb.ThrottledWindows);
      var open = !many || (tw.length > 0 && openThrottled++ < OPEN_THROTTLED);
      var det = h('details', { class: 'mailbox', 'data-mailbox': mi });
      det.appendChild(mailboxSummary(name, mb, tw));
      tw.forEach(function () { var w = windows[wi++]; if (w) det.appendChild(throttleWarning(w)); });
      var body = h('div', { class: 'mailbox-body' });
      det.appendChild(body);
      var entry = { det: det, body: body, mb: mb, name: name, index: mi, built: false };
      mailboxBoxes.push(entry);
      det.addEventListener('toggle', function () { if (det.open) buildMailbox(entry); });
      if (open) { buildMailbox(entry); det.open = true; }
      frag.appendChild(det);
    });
    box.appendChild(frag);
  }

  // ------------------------------------------------------------- print
  // Printing shows everything: every session row, every mailbox open and built.
  var reopened = [];
  function beforePrint() {
    LIST.printTable();
    moreSessions(sessRows.length);
    reopened = [];
    mailboxBoxes.forEach(function (b) {
      buildMailbox(b);
      if (!b.det.open) { reopened.push(b.det); b.det.open = true; }
    });
  }
  function afterPrint() {
    clear(byId('ev-print'));
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  }

  // ------------------------------------------------------------- main
  function main() {
    var status = byId('load-status');
    try {
      var t0 = performance.now(), phases = {}, tPhase = t0;
      var phase = function (name) { var t = performance.now(); phases[name] = t - tPhase; tPhase = t; };
      var raw = loadData();
      var tParse = performance.now();
      phase('parse');
      D = normalise(raw);
      phase('normalise');
      EV = buildEventStore(D.events, D.sessions.length);
      D.events = EV.events;
      phase('events');
      renderHeader();
      initSessionTable();
      phase('sessions');
      TL.init();
      renderGapBanner(TL.windows());
      phase('timeline');
      LIST.init();
      phase('list');
      renderExposure(TL.windows());
      phase('exposure');
      byId('details-close').addEventListener('click', closeDetails);
      document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && !byId('details').hidden) closeDetails(); });
      window.addEventListener('beforeprint', beforePrint);
      window.addEventListener('afterprint', afterPrint);
      status.hidden = true;
      var tDone = performance.now();
      window.__auditsift = {
        // For tests and the perf script: client coordinates of an event's mark, or null if not drawn.
        eventPoint: function (i) { return TL.eventPoint(i); },
        openDetails: function (i) { openDetails(i, 'api'); }
      };
      window.__auditsiftStats = {
        // startedAt / readyAt: ms since navigation started (the page may be ready before the
        // browser has read the whole file: the raw AuditData comes last and is read on demand)
        startedAt: t0, readyAt: NaN, parseMs: tParse - t0, renderMs: tDone - tParse, phases: phases, events: EV.n, sessions: D.sessions.length,
        drawMs: function () { return TL.lastDrawMs(); }, filterMs: function () { return LIST.lastFilterMs(); }
      };
      prepareSearch();
      requestAnimationFrame(function () {
        window.__auditsiftStats.readyAt = performance.now();
        window.__auditsiftReady = true;
        document.documentElement.setAttribute('data-auditsift-ready', 'true');
      });
    } catch (err) {
      status.hidden = false;
      status.className = 'notice error';
      status.textContent = 'The report could not be displayed: ' + (err && err.message ? err.message : String(err));
      window.__auditsiftError = String(err && err.message ? err.message : err);
      if (window.console) console.warn(err);
    }
  }

  // Everything main() needs is above this script; only the raw AuditData comes after it, and that
  // is read when first needed. So the page is built now, while the browser may still be reading it.
  main();
})();
