// Report data of a chosen shape, for the tests of what the page does with many sessions and
// mailboxes (the shape of docs/report-data.md, as auditsift writes it).

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const START = Date.parse('2026-03-02T00:00:00Z');

/** A session id that is unique, sortable and easy to search for: "5e550000-…-<n>". */
export const sessionId = (n) => `5e55${String(n).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** A mailbox name that is unique and easy to search for. */
export const mailboxName = (n) => `mailbox${String(n).padStart(3, '0')}@contoso.com`;

function totals(messages, syncs) {
  return { Records: messages + syncs, Syncs: syncs, Binds: messages, Messages: messages, Folders: 1, UnitemizedBinds: 0 };
}

/**
 * sessions: how many sessions (session n has n + 1 events, one per minute from START + n hours);
 * mailboxes: how many mailboxes, mailbox m with contexts[m % contexts.length] access contexts;
 * messages: bound messages in each mailbox's first context (the others have 2);
 * throttled: the mailboxes with a 24 h throttled window.
 */
export function manyData({ sessions = 3, mailboxes = 0, contexts = [2], messages = 3, throttled = [] } = {}) {
  const events = [];
  const sess = [];
  for (let n = 0; n < sessions; n++) {
    const user = mailboxName(n % Math.max(1, mailboxes));
    const ip = `198.51.100.${n % 250}`;
    const first = START + n * 3600e3;
    for (let k = 0; k <= n; k++) {
      const t = iso(first + k * 60e3);
      const o = k % 3 === 2 ? 'HardDelete' : 'MailItemsAccessed';
      events.push({ t, s: n, o, u: user, ip, w: 'Exchange', r: 'Succeeded', d: `event ${k} of session ${n}`, id: `rec-${n}-${k}`,
        raw: JSON.stringify({ CreationTime: t.slice(0, -1), Id: `rec-${n}-${k}`, Operation: o, UserId: user, SessionId: sessionId(n), Marker: `raw-only-${n}-${k}` }) });
    }
    sess.push({ SessionId: sessionId(n), FirstSeen: iso(first), LastSeen: iso(first + n * 60e3), Records: n + 1, Users: [user], MailboxOwners: [user],
      ClientIPs: [ip], ClientInfoStrings: ['Client=OWA'], Operations: { MailItemsAccessed: n + 1 - Math.floor((n + 1) / 3), HardDelete: Math.floor((n + 1) / 3) } });
  }
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const boxes = [];
  for (let m = 0; m < mailboxes; m++) {
    const name = mailboxName(m);
    const windows = throttled.includes(m)
      ? [{ Start: iso(START + m * 3600e3), End: iso(START + m * 3600e3 + 864e5), RecordIds: [`throttle-${m}`], Records: 1, Sessions: [sessionId(m)] }]
      : [];
    const ctxs = [];
    const nCtx = contexts[m % contexts.length];
    for (let c = 0; c < nCtx; c++) {
      const count = c === 0 ? messages : 2;
      const msgs = Array.from({ length: count }, (_, i) => ({
        InternetMessageId: `<m${m}-${c}-${i}@mail.example>`, Folders: ['\\Inbox'], FirstAccess: iso(START + i * 60e3), LastAccess: iso(START + i * 60e3),
        Accesses: 1, Sessions: [sessionId(m)], InSyncedFolder: false,
      }));
      ctxs.push({
        Mailbox: name, Context: { SessionId: sessionId(m), ClientIPAddress: `198.51.100.${c}`, ClientInfoString: `Client=OWA;context ${c}`, LogonType: 'Owner', UserId: name },
        FirstSeen: iso(START), LastSeen: iso(START + 3600e3), DuringThrottling: windows.length > 0, Totals: totals(count, 1),
        SyncFolders: [{ Folder: '\\Inbox', Time: iso(START), RecordId: `sync-${m}-${c}`, SessionId: sessionId(m), ClientIPAddress: `198.51.100.${c}` }],
        Messages: msgs, UnitemizedBinds: [], ThrottledWindows: windows,
      });
    }
    const all = ctxs.reduce((a, c) => a + c.Messages.length, 0);
    boxes.push({
      Mailbox: name, Context: null, FirstSeen: iso(START), LastSeen: iso(START + 3600e3), DuringThrottling: windows.length > 0, Totals: totals(all, nCtx),
      SyncFolders: [], Messages: ctxs.flatMap((c) => c.Messages), UnitemizedBinds: [], ThrottledWindows: windows,
      Folders: [{ Path: '\\Inbox', FirstSync: iso(START), Syncs: nCtx, BoundMessages: all }], Contexts: ctxs,
    });
  }
  const n = events.length;
  return {
    tool: 'auditsift 0.1.0', generated: '2026-11-22T22:00:00Z', title: 'Many sessions and mailboxes', filters: [],
    input: { files: [{ path: 'many.jsonl', records: n }], read: n, parsed: n, rejected: 0, duplicates: 0, matched: n, rejects: [] },
    sessions: sess, events,
    exposure: mailboxes ? { Mailboxes: boxes, Totals: totals(boxes.reduce((a, b) => a + b.Totals.Messages, 0), 0) } : null,
  };
}
