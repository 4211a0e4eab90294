/* Exercises the whole auditsift C ABI: parse, filter, fields and tables, errors, collector, the file reader,
 * inventory, MailItemsAccessed exposure and pivots, the HTML report, every error path, frees, and independent handles on two threads at once.
 * Prints "abi_test: N checks passed" and exits non-zero on the first failure. */
#include "auditsift.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int checks = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    checks++;                                                                    \
    if (!(cond)) {                                                               \
      char msg[256] = {0};                                                       \
      size_t n = auditsift_last_error((uint8_t *)msg, sizeof msg - 1);           \
      fprintf(stderr, "abi_test: %s:%d: check failed: %s (last error: %.*s)\n", \
              __FILE__, __LINE__, #cond, (int)n, msg);                           \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

static const char *DOCS[] = {
    "{\"CreationTime\":\"2026-03-02T07:10:00\",\"Id\":\"b\",\"Operation\":\"HardDelete\","
    "\"SessionId\":\"11111111-2222-3333-4444-555555555555\",\"UserId\":\"m@c.com\","
    "\"ClientIP\":\"185.73.124.135:19823\",\"AffectedItems\":[{\"Subject\":\"Caf\\u00e9 \xe6\x97\xa5\","
    "\"InternetMessageId\":\"<a@b>\",\"ParentFolder\":{\"Path\":\"\\\\Inbox\"}}]}",
    "{\"CreationTime\":\"2026-03-02T07:00:00\",\"Id\":\"a\",\"Operation\":\"New-InboxRule\","
    "\"SessionId\":\"11111111-2222-3333-4444-555555555555\",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\"..\"}]}",
    "{\"CreationTime\":\"2026-03-02T08:00:00\",\"Id\":\"c\",\"Operation\":\"MailItemsAccessed\","
    "\"SessionId\":\"99999999-2222-3333-4444-555555555555\",\"OperationProperties\":"
    "[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"}],\"Folders\":[{\"Path\":\"\\\\Inbox\","
    "\"FolderItems\":[{\"InternetMessageId\":\"<m1@x>\"},{\"InternetMessageId\":\"<m2@x>\"}]}]}",
    "{not json",
    "{\"Id\":\"bad-utf8\",\"Operation\":\"\xff\xfe\"}",
    "{\"CreationTime\":\"2026-03-02T07:10:00\",\"Id\":\"b\",\"Operation\":\"HardDelete\","
    "\"SessionId\":\"11111111-2222-3333-4444-555555555555\"}",
};
#define NDOCS (sizeof DOCS / sizeof DOCS[0])

/* Packs DOCS into one buffer with offsets. */
static void pack(uint8_t **data, size_t *len, uint64_t offsets[NDOCS + 1]) {
  size_t total = 0;
  for (size_t i = 0; i < NDOCS; i++) total += strlen(DOCS[i]);
  *data = malloc(total);
  size_t at = 0;
  for (size_t i = 0; i < NDOCS; i++) {
    offsets[i] = at;
    memcpy(*data + at, DOCS[i], strlen(DOCS[i]));
    at += strlen(DOCS[i]);
  }
  offsets[NDOCS] = at;
  *len = total;
}

static int64_t *table(const AuditsiftResult *r, AuditsiftTable t, size_t *len) {
  *len = auditsift_result_table_len(r, t);
  int64_t *v = malloc((*len ? *len : 1) * sizeof *v);
  CHECK(auditsift_result_table(r, t, v, *len) == AUDITSIFT_STATUS_OK);
  return v;
}

static uint8_t *text(const AuditsiftResult *r) {
  size_t n = auditsift_result_text_len(r);
  uint8_t *t = malloc(n ? n : 1);
  CHECK(auditsift_result_text(r, t, n) == AUDITSIFT_STATUS_OK);
  return t;
}

static int field_is(const uint8_t *txt, const int64_t *fields, size_t rec, AuditsiftField f,
                    const char *want) {
  const int64_t *ref = fields + rec * 2 * AUDITSIFT_FIELD_COUNT + 2 * f;
  if (want == NULL) return ref[0] == -1;
  return ref[0] >= 0 && (size_t)ref[1] == strlen(want) && memcmp(txt + ref[0], want, ref[1]) == 0;
}

static void test_parse_and_tables(void) {
  uint8_t *data; size_t len; uint64_t offsets[NDOCS + 1];
  pack(&data, &len, offsets);
  AuditsiftResult *r = NULL;
  CHECK(auditsift_parse_batch(data, len, offsets, NDOCS, NULL, AUDITSIFT_FLAG_FULL_TREE, &r) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(r) == 4);
  AuditsiftTally t;
  CHECK(auditsift_result_tally(r, &t) == AUDITSIFT_STATUS_OK);
  CHECK(t.read == NDOCS && t.rejected == 2 && t.parsed == 4 && t.matched == 4);
  size_t n;
  int64_t *origins = table(r, AUDITSIFT_TABLE_ORIGINS, &n);
  CHECK(n == 4 && origins[0] == 0 && origins[1] == 1 && origins[2] == 2 && origins[3] == 5);
  uint8_t *txt = text(r);
  int64_t *fields = table(r, AUDITSIFT_TABLE_FIELDS, &n);
  CHECK(n == 4 * 2 * AUDITSIFT_FIELD_COUNT);
  CHECK(field_is(txt, fields, 0, AUDITSIFT_FIELD_ID, "b"));
  CHECK(field_is(txt, fields, 0, AUDITSIFT_FIELD_CREATION_TIME, "2026-03-02T07:10:00Z"));
  CHECK(field_is(txt, fields, 0, AUDITSIFT_FIELD_CLIENT_ADDRESS, "185.73.124.135"));
  CHECK(field_is(txt, fields, 0, AUDITSIFT_FIELD_AAD_SESSION_ID, NULL));
  CHECK(field_is(txt, fields, 2, AUDITSIFT_FIELD_MAIL_ACCESS_TYPE, "Bind"));
  int64_t *items = table(r, AUDITSIFT_TABLE_ITEMS, &n);
  CHECK(n == 8 && items[0] == 0);
  CHECK((size_t)items[3] == strlen("Caf\xc3\xa9 \xe6\x97\xa5") && memcmp(txt + items[2], "Caf\xc3\xa9 \xe6\x97\xa5", items[3]) == 0);
  int64_t *params = table(r, AUDITSIFT_TABLE_PARAMETERS, &n);
  CHECK(n == 5 && params[0] == 1 && memcmp(txt + params[3], "..", 2) == 0);
  int64_t *folders = table(r, AUDITSIFT_TABLE_FOLDERS, &n);
  CHECK(n == 10 && folders[0] == 2 && memcmp(txt + folders[3], "<m1@x>", 6) == 0);
  int64_t *errors = table(r, AUDITSIFT_TABLE_ERRORS, &n);
  CHECK(n == 10 && errors[0] == 3 && errors[5] == 4);
  CHECK(memcmp(txt + errors[3], "{not json", 9) == 0);
  int64_t *tree = table(r, AUDITSIFT_TABLE_TREE, &n);
  CHECK(n > 0 && n % auditsift_table_row_width(AUDITSIFT_TABLE_TREE) == 0);
  CHECK(tree[1] == -1 && tree[2] == AUDITSIFT_NODE_KIND_OBJECT);

  /* A filter on one session; a collector across two batches de-duplicates and sorts. */
  AuditsiftFilter *f = NULL;
  CHECK(auditsift_filter_new(&f) == AUDITSIFT_STATUS_OK);
  const char *sid = "11111111-2222-3333-4444-555555555555";
  CHECK(auditsift_filter_add(f, AUDITSIFT_FILTER_FIELD_SESSION_ID, (const uint8_t *)sid, strlen(sid)) == AUDITSIFT_STATUS_OK);
  AuditsiftResult *r1 = NULL, *r2 = NULL, *sorted = NULL;
  CHECK(auditsift_parse_batch(data, len, offsets, NDOCS, f, AUDITSIFT_FLAG_NO_RAW, &r1) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(r1) == 3);
  CHECK(auditsift_parse_batch(data, len, offsets, NDOCS, f, AUDITSIFT_FLAG_NO_RAW, &r2) == AUDITSIFT_STATUS_OK);
  AuditsiftCollector *c = NULL;
  CHECK(auditsift_collector_new(&c) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_collector_add(c, r1) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_collector_add(c, r2) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_collector_finish(c, 0, &sorted) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(sorted) == 2);
  uint8_t *stxt = text(sorted);
  int64_t *sfields = table(sorted, AUDITSIFT_TABLE_FIELDS, &n);
  CHECK(field_is(stxt, sfields, 0, AUDITSIFT_FIELD_ID, "a") && field_is(stxt, sfields, 1, AUDITSIFT_FIELD_ID, "b"));
  CHECK(auditsift_result_tally(sorted, &t) == AUDITSIFT_STATUS_OK);
  CHECK(t.duplicates == 4 && t.matched == 2 && t.read == 2 * NDOCS);

  /* Inventory. */
  AuditsiftInventory *inv = NULL;
  AuditsiftResult *sessions = NULL;
  CHECK(auditsift_inventory_new(&inv) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_inventory_add(inv, r) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_inventory_summarize(inv, &sessions) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(sessions) == 2);
  int64_t *srows = table(sessions, AUDITSIFT_TABLE_SESSIONS, &n);
  CHECK(n == 14 && srows[6] == 2);
  int64_t *svals = table(sessions, AUDITSIFT_TABLE_SESSION_VALUES, &n);
  CHECK(n > 0);

  free(origins); free(txt); free(fields); free(items); free(params); free(folders); free(errors);
  free(tree); free(stxt); free(sfields); free(srows); free(svals); free(data);
  auditsift_result_free(r); auditsift_result_free(r1); auditsift_result_free(r2);
  auditsift_result_free(sorted); auditsift_result_free(sessions);
  auditsift_collector_free(c); auditsift_inventory_free(inv); auditsift_filter_free(f);
}

static void test_error_paths(void) {
  AuditsiftResult *r = NULL;
  uint64_t offsets[2] = {0, 10};
  const uint8_t data[4] = {'{', '}', ' ', ' '};
  CHECK(auditsift_parse_batch(data, 4, NULL, 1, NULL, 0, &r) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_parse_batch(data, 4, offsets, 1, NULL, 0, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_parse_batch(data, 4, offsets, 1, NULL, 0, &r) == AUDITSIFT_STATUS_OUT_OF_BOUNDS);
  char msg[128];
  size_t n = auditsift_last_error((uint8_t *)msg, sizeof msg);
  CHECK(n > 0 && n == auditsift_last_error(NULL, 0));
  offsets[0] = 3; offsets[1] = 2;
  CHECK(auditsift_parse_batch(data, 4, offsets, 1, NULL, 0, &r) == AUDITSIFT_STATUS_OUT_OF_BOUNDS);
  /* No documents: the one offset must still be within the data. */
  CHECK(auditsift_parse_batch(NULL, 0, offsets, 0, NULL, 0, &r) == AUDITSIFT_STATUS_OUT_OF_BOUNDS);
  offsets[0] = 0;
  CHECK(auditsift_parse_batch(NULL, 0, offsets, 0, NULL, 0, &r) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(r) == 0 && auditsift_result_text_len(r) == 0);
  AuditsiftFilter *f = NULL;
  CHECK(auditsift_filter_new(NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_filter_new(&f) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_filter_add(f, 99, (const uint8_t *)"x", 1) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_filter_add(f, AUDITSIFT_FILTER_FIELD_USER, (const uint8_t *)"\xff", 1) == AUDITSIFT_STATUS_INVALID_UTF8);
  CHECK(auditsift_filter_add(NULL, AUDITSIFT_FILTER_FIELD_USER, (const uint8_t *)"x", 1) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_filter_set_start(f, INT64_MAX) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_filter_set_start(f, 0) == AUDITSIFT_STATUS_OK);
  int64_t small[1];
  AuditsiftResult *r2 = NULL;
  const char *doc = "{\"Id\":\"x\",\"CreationTime\":\"2026-01-01T00:00:00\"}";
  uint64_t off2[2] = {0, strlen(doc)};
  CHECK(auditsift_parse_batch((const uint8_t *)doc, strlen(doc), off2, 1, f, 0, &r2) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_table(r2, AUDITSIFT_TABLE_FIELDS, small, 1) == AUDITSIFT_STATUS_OUT_OF_BOUNDS);
  CHECK(auditsift_result_table(r2, 42, small, 1) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_result_table_len(NULL, AUDITSIFT_TABLE_FIELDS) == 0);
  CHECK(auditsift_result_tally(NULL, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_collector_add(NULL, r2) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  auditsift_result_free(r); auditsift_result_free(r2); auditsift_filter_free(f);
  auditsift_filter_free(NULL); auditsift_result_free(NULL); auditsift_collector_free(NULL);
  auditsift_inventory_free(NULL);
  checks++;
}

/* The native file reader: a fixture pulled in batches of 3 through a filter, then a missing path.
 * Paths are relative to the repository root, where cargo test and the valgrind script run this. */
static void test_reader(void) {
  const char *path = "tests/fixtures/files/purview.csv";
  AuditsiftReader *rd = NULL;
  CHECK(auditsift_reader_open((const uint8_t *)path, strlen(path), &rd) == AUDITSIFT_STATUS_OK);
  AuditsiftFilter *f = NULL;
  CHECK(auditsift_filter_new(&f) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_filter_add(f, AUDITSIFT_FILTER_FIELD_OPERATION, (const uint8_t *)"harddelete", 10) == AUDITSIFT_STATUS_OK);
  AuditsiftTally sum = {0}, t;
  int batches = 0;
  int64_t kept_origin = -1, error_index[3] = {-1, -1, -1};
  size_t nerrors = 0;
  for (;;) {
    AuditsiftResult *r = NULL;
    CHECK(auditsift_reader_next(rd, 3, f, AUDITSIFT_FLAG_NO_RAW, &r) == AUDITSIFT_STATUS_OK);
    CHECK(auditsift_result_tally(r, &t) == AUDITSIFT_STATUS_OK);
    if (t.read == 0) { auditsift_result_free(r); break; }
    batches++;
    CHECK(t.read <= 3 && t.read == t.skipped + t.rejected + t.parsed);
    sum.read += t.read; sum.rejected += t.rejected; sum.parsed += t.parsed;
    sum.filtered_out += t.filtered_out; sum.matched += t.matched;
    size_t n;
    int64_t *origins = table(r, AUDITSIFT_TABLE_ORIGINS, &n);
    if (n == 1) kept_origin = origins[0];
    int64_t *errors = table(r, AUDITSIFT_TABLE_ERRORS, &n);
    uint8_t *txt = text(r);
    for (size_t i = 0; i < n; i += 5) {
      CHECK(nerrors < 3);
      error_index[nerrors++] = errors[i];
      /* The reason starts with the location. */
      CHECK((size_t)errors[i + 2] > strlen(path) && memcmp(txt + errors[i + 1], path, strlen(path)) == 0);
      if (errors[i] == 5) {
        const char *want = "tests/fixtures/files/purview.csv:row 6 (line 36): row has 3 field(s)";
        CHECK(memcmp(txt + errors[i + 1], want, strlen(want)) == 0);
      }
    }
    free(origins); free(errors); free(txt);
    auditsift_result_free(r);
  }
  CHECK(batches == 3);
  CHECK(sum.read == 8 && sum.rejected == 3 && sum.parsed == 5 && sum.filtered_out == 4 && sum.matched == 1);
  CHECK(kept_origin == 7);
  CHECK(nerrors == 3 && error_index[0] == 4 && error_index[1] == 5 && error_index[2] == 6);
  uint64_t done = 0, total = 0;
  CHECK(auditsift_reader_progress(rd, &done, &total) == AUDITSIFT_STATUS_OK);
  CHECK(total > 0 && done == total);
  CHECK(auditsift_reader_next(rd, 0, NULL, 0, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  auditsift_reader_free(rd);
  auditsift_filter_free(f);

  const char *missing = "tests/fixtures/files/no_such_file.csv";
  rd = NULL;
  CHECK(auditsift_reader_open((const uint8_t *)missing, strlen(missing), &rd) == AUDITSIFT_STATUS_IO);
  CHECK(rd == NULL);
  char msg[512];
  size_t len = auditsift_last_error((uint8_t *)msg, sizeof msg);
  CHECK(len >= strlen(missing) && len <= sizeof msg && memcmp(msg, missing, strlen(missing)) == 0);
  CHECK(auditsift_reader_open(NULL, 0, &rd) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  auditsift_reader_free(NULL);
}

/* Reads the text at the reference values[0], values[1]; an absent reference never equals. */
static int ref_is(const uint8_t *txt, const int64_t *ref, const char *want) {
  if (want == NULL) return ref[0] == -1;
  return ref[0] >= 0 && (size_t)ref[1] == strlen(want) && memcmp(txt + ref[0], want, ref[1]) == 0;
}

static const char *MAIL_DOCS[] = {
    "{\"CreationTime\":\"2026-03-02T10:00:00\",\"Id\":\"e1\",\"Operation\":\"MailItemsAccessed\","
    "\"UserId\":\"m@c.com\",\"MailboxOwnerUPN\":\"m@c.com\",\"SessionId\":\"s1\",\"ClientIPAddress\":\"192.0.2.10\","
    "\"LogonType\":0,\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"}],\"OperationCount\":3,"
    "\"Folders\":[{\"Path\":\"\\\\Inbox\",\"FolderItems\":[{\"InternetMessageId\":\"<A@x>\"},{\"InternetMessageId\":\"<B@x>\"}]}]}",
    "{\"CreationTime\":\"2026-03-02T10:01:00\",\"Id\":\"e2\",\"Operation\":\"MailItemsAccessed\","
    "\"UserId\":\"m@c.com\",\"MailboxOwnerUPN\":\"m@c.com\",\"SessionId\":\"s2\",\"ClientIPAddress\":\"198.51.100.7\","
    "\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"}],"
    "\"Folders\":[{\"Path\":\"\\\\Inbox\",\"FolderItems\":[{\"InternetMessageId\":\"<A@x>\"}]}]}",
    "{\"CreationTime\":\"2026-03-02T12:00:00\",\"Id\":\"e3\",\"Operation\":\"MailItemsAccessed\","
    "\"UserId\":\"m@c.com\",\"MailboxOwnerUPN\":\"m@c.com\",\"SessionId\":\"s2\",\"OperationProperties\":"
    "[{\"Name\":\"MailAccessType\",\"Value\":\"Sync\"},{\"Name\":\"IsThrottled\",\"Value\":\"True\"}],"
    "\"Folders\":[{\"Path\":\"\\\\Archive\"}]}",
    "{\"CreationTime\":\"2026-03-02T12:30:00\",\"Id\":\"e4\",\"Operation\":\"HardDelete\",\"Workload\":\"Exchange\","
    "\"UserId\":\"m@c.com\",\"MailboxOwnerUPN\":\"m@c.com\",\"SessionId\":\"s1\",\"ClientIP\":\"192.0.2.10:443\","
    "\"AffectedItems\":[{\"InternetMessageId\":\"<a@X>\"}]}",
};
#define NMAIL (sizeof MAIL_DOCS / sizeof MAIL_DOCS[0])

static AuditsiftResult *parse_mail(const AuditsiftFilter *f) {
  size_t total = 0;
  for (size_t i = 0; i < NMAIL; i++) total += strlen(MAIL_DOCS[i]);
  uint8_t *data = malloc(total);
  uint64_t offsets[NMAIL + 1];
  size_t at = 0;
  for (size_t i = 0; i < NMAIL; i++) {
    offsets[i] = at;
    memcpy(data + at, MAIL_DOCS[i], strlen(MAIL_DOCS[i]));
    at += strlen(MAIL_DOCS[i]);
  }
  offsets[NMAIL] = at;
  AuditsiftResult *r = NULL;
  CHECK(auditsift_parse_batch(data, total, offsets, NMAIL, f, 0, &r) == AUDITSIFT_STATUS_OK);
  free(data);
  return r;
}

/* Exposure scoped to session s1: a throttled record of s2 still opens a hole that flags s1;
 * then a pivot by message id; then their error paths and frees. */
static void test_exposure_and_pivot(void) {
  AuditsiftFilter *scope = NULL, *pf = NULL;
  CHECK(auditsift_filter_new(&scope) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_filter_add(scope, AUDITSIFT_FILTER_FIELD_SESSION_ID, (const uint8_t *)"S1", 2) == AUDITSIFT_STATUS_OK);
  AuditsiftExposure *e = NULL;
  CHECK(auditsift_exposure_new(scope, &e) == AUDITSIFT_STATUS_OK);
  auditsift_filter_free(scope); /* the exposure keeps its own copy */
  CHECK(auditsift_exposure_parse_filter(e, &pf) == AUDITSIFT_STATUS_OK);
  AuditsiftResult *batch = parse_mail(pf);
  CHECK(auditsift_result_count(batch) == 3); /* e1, e4 in scope; e3 throttled */
  CHECK(auditsift_exposure_add(e, batch) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_exposure_add(e, batch) == AUDITSIFT_STATUS_OK); /* repeats: duplicates */
  AuditsiftResult *sum = NULL;
  CHECK(auditsift_exposure_summarize(e, &sum) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(sum) == 1);
  AuditsiftTally t;
  CHECK(auditsift_result_tally(sum, &t) == AUDITSIFT_STATUS_OK);
  CHECK(t.read == 2 * NMAIL && t.duplicates == 3 && t.matched == 3 && t.filtered_out + t.skipped == 2);
  uint8_t *txt = text(sum);
  size_t n;
  int64_t *mb = table(sum, AUDITSIFT_TABLE_EXPOSURE_MAILBOXES, &n);
  CHECK(n == auditsift_table_row_width(AUDITSIFT_TABLE_EXPOSURE_MAILBOXES) && n == 8);
  CHECK(ref_is(txt, mb, "m@c.com"));
  CHECK(mb[2] == 1 && mb[3] == 0 && mb[4] == 3 && mb[5] == 2 && mb[6] == 1 && mb[7] == 1);
  int64_t *ctx = table(sum, AUDITSIFT_TABLE_EXPOSURE_CONTEXTS, &n);
  CHECK(n == 22 && ctx[0] == 0);
  CHECK(ref_is(txt, ctx + 1, "s1") && ref_is(txt, ctx + 3, "192.0.2.10") && ref_is(txt, ctx + 5, NULL));
  CHECK(ref_is(txt, ctx + 7, "Owner") && ref_is(txt, ctx + 9, "m@c.com"));
  CHECK(ref_is(txt, ctx + 11, "2026-03-02T10:00:00Z") && ctx[15] == 1);
  int64_t *msg = table(sum, AUDITSIFT_TABLE_EXPOSURE_MESSAGES, &n);
  CHECK(n == 4 * 10); /* A and B over the mailbox, then in the context */
  CHECK(msg[1] == -1 && ref_is(txt, msg + 2, "<A@x>") && msg[8] == 1 && msg[9] == 0 && msg[21] == 0);
  int64_t *unit = table(sum, AUDITSIFT_TABLE_EXPOSURE_UNITEMIZED, &n);
  CHECK(n == 8 && ref_is(txt, unit + 2, "e1") && unit[6] == 3 && unit[7] == 2);
  int64_t *win = table(sum, AUDITSIFT_TABLE_EXPOSURE_THROTTLED, &n);
  CHECK(n == 6 && ref_is(txt, win + 1, "2026-03-02T12:00:00Z") && ref_is(txt, win + 3, "2026-03-03T12:00:00Z") && win[5] == 1);
  int64_t *vals = table(sum, AUDITSIFT_TABLE_EXPOSURE_VALUES, &n);
  int folders = 0, contexts = 0, sessions = 0, record_ids = 0, window_sessions = 0;
  for (size_t i = 0; i < n; i += 5) {
    switch (vals[i + 1]) {
      case AUDITSIFT_EXPOSURE_VALUE_MESSAGE_FOLDER: folders += ref_is(txt, vals + i + 2, "\\Inbox"); break;
      case AUDITSIFT_EXPOSURE_VALUE_MESSAGE_CONTEXT: contexts += vals[i + 4] == 0 && vals[i + 2] == -1; break;
      case AUDITSIFT_EXPOSURE_VALUE_MESSAGE_SESSION: sessions += ref_is(txt, vals + i + 2, "s1"); break;
      case AUDITSIFT_EXPOSURE_VALUE_WINDOW_RECORD_ID: record_ids += vals[i] == 0 && ref_is(txt, vals + i + 2, "e3"); break;
      case AUDITSIFT_EXPOSURE_VALUE_WINDOW_SESSION: window_sessions += vals[i] == 0 && ref_is(txt, vals + i + 2, "s1"); break;
      default: CHECK(0);
    }
  }
  CHECK(folders == 4 && contexts == 4 && sessions == 4 && record_ids == 1 && window_sessions == 1);
  CHECK(auditsift_result_table_len(sum, AUDITSIFT_TABLE_EXPOSURE_SYNCS) == 0); /* e3 is out of scope */
  free(txt); free(mb); free(ctx); free(msg); free(unit); free(win); free(vals);
  auditsift_result_free(sum);

  /* Pivot from message A: three contexts touched it (two binds, a delete). */
  AuditsiftPivot *p = NULL;
  AuditsiftFilter *ppf = NULL;
  CHECK(auditsift_pivot_new(&p) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_pivot_add(p, batch) == AUDITSIFT_STATUS_INVALID_ARGUMENT); /* no key yet */
  CHECK(auditsift_pivot_add_key(p, AUDITSIFT_PIVOT_KEY_MESSAGE_ID, (const uint8_t *)"A@X", 3) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_pivot_add_key(p, 7, (const uint8_t *)"x", 1) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_pivot_parse_filter(p, &ppf) == AUDITSIFT_STATUS_OK);
  AuditsiftResult *all = parse_mail(ppf);
  CHECK(auditsift_result_count(all) == NMAIL);
  CHECK(auditsift_pivot_add(p, all) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_pivot_add_key(p, AUDITSIFT_PIVOT_KEY_IP, (const uint8_t *)"10.0.0.1", 8) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  AuditsiftResult *found = NULL;
  CHECK(auditsift_pivot_finish(p, AUDITSIFT_FLAG_NO_RAW, &found) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(found) == 3);
  CHECK(auditsift_result_tally(found, &t) == AUDITSIFT_STATUS_OK);
  CHECK(t.read == NMAIL && t.matched == 3 && t.filtered_out == 1);
  txt = text(found);
  int64_t *fields = table(found, AUDITSIFT_TABLE_FIELDS, &n);
  CHECK(field_is(txt, fields, 0, AUDITSIFT_FIELD_ID, "e1") && field_is(txt, fields, 2, AUDITSIFT_FIELD_ID, "e4"));
  int64_t *acc = table(found, AUDITSIFT_TABLE_MESSAGE_ACCESSES, &n);
  CHECK(n == 3 * 17 && ref_is(txt, acc, "<A@x>") && ref_is(txt, acc + 2, "s1") && acc[16] == 1);
  CHECK(ref_is(txt, acc + 34, "<a@X>") && ref_is(txt, acc + 36, "s1") && ref_is(txt, acc + 38, "192.0.2.10"));
  int64_t *ops = table(found, AUDITSIFT_TABLE_ACCESS_OPERATIONS, &n);
  CHECK(n == 3 * 4 && ops[8] == 2 && ref_is(txt, ops + 9, "HardDelete") && ops[11] == 1);
  int64_t *sess = table(found, AUDITSIFT_TABLE_SESSIONS, &n);
  CHECK(n == 2 * 7 && ref_is(txt, sess, "s1") && sess[6] == 2);
  free(txt); free(fields); free(acc); free(ops); free(sess);
  auditsift_result_free(found);

  /* Errors and frees. */
  CHECK(auditsift_exposure_new(NULL, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_exposure_add(e, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_exposure_add(NULL, batch) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_exposure_summarize(NULL, &sum) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_exposure_parse_filter(e, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_pivot_new(NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_pivot_add_key(p, AUDITSIFT_PIVOT_KEY_IP, (const uint8_t *)"\xff", 1) == AUDITSIFT_STATUS_INVALID_UTF8);
  CHECK(auditsift_pivot_add_key(p, AUDITSIFT_PIVOT_KEY_IP, NULL, 4) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_pivot_finish(p, 0, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  char msg_buf[128];
  size_t len = auditsift_last_error((uint8_t *)msg_buf, sizeof msg_buf);
  CHECK(len > 0 && len <= sizeof msg_buf && memcmp(msg_buf, "argument `out` is NULL", len) == 0);
  AuditsiftExposure *unscoped = NULL;
  CHECK(auditsift_exposure_new(NULL, &unscoped) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_exposure_summarize(unscoped, &sum) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(sum) == 0);
  auditsift_result_free(sum);
  auditsift_exposure_free(unscoped);
  auditsift_result_free(batch); auditsift_result_free(all);
  auditsift_filter_free(pf); auditsift_filter_free(ppf);
  auditsift_exposure_free(e); auditsift_pivot_free(p);
  auditsift_exposure_free(NULL); auditsift_pivot_free(NULL);
}

/* Reads a whole file into a NUL-terminated buffer (NULL when it cannot). */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* The HTML report scoped to session s1: two batches (the second repeats the first) and a batch with a
 * hostile subject and a bad document, a host reject, then the file written twice (with and without raw
 * AuditData) to a temp path, read back and checked; then the error paths and frees. */
static void test_report(void) {
  AuditsiftFilter *scope = NULL, *pf = NULL;
  CHECK(auditsift_filter_new(&scope) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_filter_add(scope, AUDITSIFT_FILTER_FIELD_SESSION_ID, (const uint8_t *)"S1", 2) == AUDITSIFT_STATUS_OK);
  AuditsiftReport *rep = NULL;
  CHECK(auditsift_report_new(scope, &rep) == AUDITSIFT_STATUS_OK);
  auditsift_filter_free(scope); /* the report keeps its own copy */
  CHECK(auditsift_report_parse_filter(rep, &pf) == AUDITSIFT_STATUS_OK);
  const char *title = "Case <4711>", *words = "-SessionId S1", *input = "pipeline", *reason = "no AuditData";
  CHECK(auditsift_report_set_title(rep, (const uint8_t *)title, strlen(title)) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_report_add_filter_text(rep, (const uint8_t *)words, strlen(words)) == AUDITSIFT_STATUS_OK);
  AuditsiftResult *batch = parse_mail(pf);
  CHECK(auditsift_report_add(rep, batch) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_report_add(rep, batch) == AUDITSIFT_STATUS_OK); /* repeats: duplicates */
  AuditsiftTally t;
  CHECK(auditsift_report_tally(rep, &t) == AUDITSIFT_STATUS_OK);
  /* e1 and e4 in scope; e3 (throttled, session s2) counts for the exposure only. */
  CHECK(t.read == 2 * NMAIL && t.matched == 2 && t.duplicates == 3 && t.filtered_out + t.skipped == 3);

  const char *hostile[] = {
      "{\"CreationTime\":\"2026-03-02T12:40:00\",\"Id\":\"h1\",\"Operation\":\"HardDelete\",\"SessionId\":\"s1\","
      "\"MailboxOwnerUPN\":\"m@c.com\",\"AffectedItems\":[{\"Subject\":\"</script><b>pwned</b>\"}]}",
      "{\"SessionId\":\"s1\" oops}",
  };
  uint64_t offsets[3] = {0, strlen(hostile[0]), strlen(hostile[0]) + strlen(hostile[1])};
  uint8_t *data = malloc(offsets[2]);
  memcpy(data, hostile[0], offsets[1]);
  memcpy(data + offsets[1], hostile[1], offsets[2] - offsets[1]);
  AuditsiftResult *hr = NULL;
  CHECK(auditsift_parse_batch(data, offsets[2], offsets, 2, pf, 0, &hr) == AUDITSIFT_STATUS_OK);
  free(data);
  CHECK(auditsift_report_add(rep, hr) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_report_add_rejected(rep, NULL, 0, (const uint8_t *)reason, strlen(reason), NULL, 0) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_report_add_input(rep, (const uint8_t *)input, strlen(input), 2 * NMAIL + 3) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_report_tally(rep, &t) == AUDITSIFT_STATUS_OK);
  CHECK(t.read == 2 * NMAIL + 3 && t.rejected == 2 && t.matched == 3);

  const char *tmp = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/auditsift_abi_test_%ld.html", tmp && *tmp ? tmp : "/tmp", (long)getpid());
  CHECK(auditsift_report_write(rep, (const uint8_t *)path, strlen(path), 0) == AUDITSIFT_STATUS_OK);
  size_t full_len = 0, lean_len = 0;
  char *html = slurp(path, &full_len);
  CHECK(html != NULL);
  CHECK(strstr(html, "<script id=\"auditsift-data\" type=\"application/json\">") != NULL);
  CHECK(strstr(html, "<b>pwned") == NULL && strstr(html, "Case <4711>") == NULL);
  CHECK(strstr(html, "\\u003c/script\\u003e\\u003cb\\u003epwned\\u003c/b\\u003e") != NULL);
  CHECK(strstr(html, "\"title\":\"Case \\u003c4711\\u003e\"") != NULL);
  CHECK(strstr(html, "\"filters\":[\"-SessionId S1\"]") != NULL);
  CHECK(strstr(html, "\"files\":[{\"path\":\"pipeline\",\"records\":11}]") != NULL);
  CHECK(strstr(html, "\"source\":\"record 9\"}") != NULL); /* the bad document */
  CHECK(strstr(html, "\"reason\":\"no AuditData\",\"source\":\"record 10\"}") != NULL);
  CHECK(strstr(html, "\"ThrottledWindows\":[{") != NULL);
  /* The records' AuditData travels as compressed chunks in its own element. */
  CHECK(strstr(html, "<script id=\"auditsift-raw\" type=\"application/json\">{\"encoding\":\"gzip+base64\",\"chunks\":[{") != NULL);
  free(html);
  CHECK(auditsift_report_write(rep, (const uint8_t *)path, strlen(path), AUDITSIFT_FLAG_NO_RAW) == AUDITSIFT_STATUS_OK);
  html = slurp(path, &lean_len);
  CHECK(html != NULL && lean_len < full_len);
  CHECK(strstr(html, "<script id=\"auditsift-raw\" type=\"application/json\">null</script>") != NULL);
  CHECK(strstr(html, "\"source\":\"record 9\"}") != NULL);
  free(html);
  CHECK(remove(path) == 0);

  /* Errors and frees: a folder is not a file, and the message names the path. */
  const char *folder = tmp && *tmp ? tmp : "/tmp";
  CHECK(auditsift_report_write(rep, (const uint8_t *)folder, strlen(folder), 0) == AUDITSIFT_STATUS_IO);
  char msg_buf[512];
  size_t len = auditsift_last_error((uint8_t *)msg_buf, sizeof msg_buf);
  CHECK(len > strlen(folder) && len <= sizeof msg_buf && memcmp(msg_buf, folder, strlen(folder)) == 0);
  CHECK(auditsift_report_write(rep, (const uint8_t *)path, 0, 0) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_report_write(rep, NULL, 4, 0) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_write(NULL, (const uint8_t *)path, strlen(path), 0) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_new(NULL, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_add(rep, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_add(NULL, batch) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_parse_filter(rep, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_tally(NULL, &t) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_report_set_title(rep, (const uint8_t *)"\xff", 1) == AUDITSIFT_STATUS_INVALID_UTF8);
  CHECK(auditsift_report_add_input(rep, (const uint8_t *)input, 0, 1) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_report_add_rejected(rep, NULL, 0, NULL, 0, NULL, 0) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_report_tally(rep, &t) == AUDITSIFT_STATUS_OK && t.read == 2 * NMAIL + 3); /* unchanged */
  AuditsiftReport *unscoped = NULL;
  CHECK(auditsift_report_new(NULL, &unscoped) == AUDITSIFT_STATUS_OK);
  auditsift_report_free(unscoped);
  auditsift_result_free(batch); auditsift_result_free(hr);
  auditsift_filter_free(pf);
  auditsift_report_free(rep);
  auditsift_report_free(NULL);
}

/* The UTF-16 of UTF-8 text (1- to 3-byte sequences), as a .NET string holds it. */
static size_t widen(const char *utf8, uint16_t *out) {
  const uint8_t *s = (const uint8_t *)utf8;
  size_t n = 0;
  while (*s) {
    if (*s < 0x80) {
      out[n++] = *s++;
    } else if ((*s & 0xe0) == 0xc0) {
      out[n++] = (uint16_t)(((s[0] & 0x1f) << 6) | (s[1] & 0x3f));
      s += 2;
    } else {
      out[n++] = (uint16_t)(((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f));
      s += 3;
    }
  }
  return n;
}

/* True when two results have the same counts, text and record tables. */
static int same_result(const AuditsiftResult *a, const AuditsiftResult *b) {
  AuditsiftTally ta, tb;
  CHECK(auditsift_result_tally(a, &ta) == AUDITSIFT_STATUS_OK && auditsift_result_tally(b, &tb) == AUDITSIFT_STATUS_OK);
  if (memcmp(&ta, &tb, sizeof ta) != 0 || auditsift_result_count(a) != auditsift_result_count(b)) return 0;
  size_t n = auditsift_result_text_len(a);
  if (n != auditsift_result_text_len(b)) return 0;
  uint8_t *xa = text(a), *xb = text(b);
  int same = memcmp(xa, xb, n) == 0;
  free(xa);
  free(xb);
  AuditsiftTable tables[] = {AUDITSIFT_TABLE_ORIGINS, AUDITSIFT_TABLE_FIELDS, AUDITSIFT_TABLE_ITEMS, AUDITSIFT_TABLE_PARAMETERS,
                             AUDITSIFT_TABLE_FOLDERS, AUDITSIFT_TABLE_ERRORS, AUDITSIFT_TABLE_TREE};
  for (size_t i = 0; same && i < sizeof tables / sizeof tables[0]; i++) {
    size_t la, lb;
    int64_t *va = table(a, tables[i], &la), *vb = table(b, tables[i], &lb);
    same = la == lb && (la == 0 || memcmp(va, vb, la * sizeof *va) == 0);
    free(va);
    free(vb);
  }
  return same;
}

static void test_utf16_and_tables_only(void) {
  /* The valid documents of DOCS, plus one with a lone surrogate, which UTF-8 holds as U+FFFD. */
  const char *utf8[NDOCS];
  size_t count = 0;
  for (size_t i = 0; i < NDOCS; i++)
    if (i != 4) utf8[count++] = DOCS[i];
  utf8[count++] = "{\"Id\":\"lone\",\"Operation\":\"x\xef\xbf\xbdy\",\"SessionId\":\"11111111-2222-3333-4444-555555555555\"}";
  uint16_t wide[NDOCS][512];
  const uint16_t *pointers[NDOCS];
  size_t lengths[NDOCS];
  uint64_t offsets[NDOCS + 1];
  uint8_t bytes[4096];
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    lengths[i] = widen(utf8[i], wide[i]);
    pointers[i] = wide[i];
    offsets[i] = at;
    memcpy(bytes + at, utf8[i], strlen(utf8[i]));
    at += strlen(utf8[i]);
  }
  offsets[count] = at;
  for (size_t i = 0; i < lengths[count - 1]; i++)
    if (wide[count - 1][i] == 0xfffd) wide[count - 1][i] = 0xd800;

  AuditsiftFilter *f = NULL;
  const char *sid = "11111111-2222-3333-4444-555555555555";
  CHECK(auditsift_filter_new(&f) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_filter_add(f, AUDITSIFT_FILTER_FIELD_SESSION_ID, (const uint8_t *)sid, strlen(sid)) == AUDITSIFT_STATUS_OK);
  const AuditsiftFilter *filters[] = {NULL, f};
  for (size_t k = 0; k < 2; k++) {
    AuditsiftResult *from8 = NULL, *from16 = NULL;
    CHECK(auditsift_parse_batch(bytes, at, offsets, count, filters[k], AUDITSIFT_FLAG_FULL_TREE, &from8) == AUDITSIFT_STATUS_OK);
    CHECK(auditsift_parse_batch_utf16(pointers, lengths, count, filters[k], AUDITSIFT_FLAG_FULL_TREE, &from16) == AUDITSIFT_STATUS_OK);
    CHECK(auditsift_result_count(from16) == (k == 0 ? 5u : 4u));
    CHECK(same_result(from8, from16));
    auditsift_result_free(from8);
    auditsift_result_free(from16);
  }

  AuditsiftResult *r = NULL;
  CHECK(auditsift_parse_batch_utf16(NULL, NULL, 0, NULL, 0, &r) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(r) == 0);
  auditsift_result_free(r);
  CHECK(auditsift_parse_batch_utf16(NULL, lengths, 1, NULL, 0, &r) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  CHECK(auditsift_parse_batch_utf16(pointers, lengths, 1, NULL, 0, NULL) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  const uint16_t *missing[1] = {NULL};
  size_t one[1] = {1};
  CHECK(auditsift_parse_batch_utf16(missing, one, 1, NULL, 0, &r) == AUDITSIFT_STATUS_NULL_ARGUMENT);
  one[0] = 0;
  CHECK(auditsift_parse_batch_utf16(missing, one, 1, NULL, 0, &r) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_result_count(r) == 0 && auditsift_result_table_len(r, AUDITSIFT_TABLE_ERRORS) == 5);
  auditsift_result_free(r);

  /* A result that keeps only its tables reads like any other and refuses to be added. */
  AuditsiftResult *full = NULL, *tables_only = NULL;
  CHECK(auditsift_parse_batch_utf16(pointers, lengths, count, NULL, 0, &full) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_parse_batch_utf16(pointers, lengths, count, NULL, AUDITSIFT_FLAG_TABLES_ONLY, &tables_only) == AUDITSIFT_STATUS_OK);
  CHECK(same_result(full, tables_only));
  AuditsiftCollector *c = NULL;
  AuditsiftInventory *inv = NULL;
  CHECK(auditsift_collector_new(&c) == AUDITSIFT_STATUS_OK && auditsift_inventory_new(&inv) == AUDITSIFT_STATUS_OK);
  CHECK(auditsift_collector_add(c, tables_only) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  char msg[256];
  size_t n = auditsift_last_error((uint8_t *)msg, sizeof msg);
  CHECK(n > 0 && n < sizeof msg && strstr(msg, "AUDITSIFT_FLAG_TABLES_ONLY") != NULL);
  CHECK(auditsift_inventory_add(inv, tables_only) == AUDITSIFT_STATUS_INVALID_ARGUMENT);
  CHECK(auditsift_collector_add(c, full) == AUDITSIFT_STATUS_OK);
  auditsift_collector_free(c);
  auditsift_inventory_free(inv);
  auditsift_result_free(full);
  auditsift_result_free(tables_only);
  auditsift_filter_free(f);
}

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 50; i++) {
    uint8_t *data; size_t len; uint64_t offsets[NDOCS + 1];
    pack(&data, &len, offsets);
    AuditsiftResult *r = NULL;
    if (auditsift_parse_batch(data, len, offsets, NDOCS, NULL, 0, &r) != AUDITSIFT_STATUS_OK ||
        auditsift_result_count(r) != 4) {
      fprintf(stderr, "abi_test: worker failed\n");
      exit(1);
    }
    auditsift_result_free(r);
    free(data);
  }
  return NULL;
}

int main(void) {
  CHECK(auditsift_abi_version() == AUDITSIFT_ABI_VERSION);
  test_parse_and_tables();
  test_error_paths();
  test_reader();
  test_exposure_and_pivot();
  test_utf16_and_tables_only();
  test_report();
  pthread_t a, b;
  CHECK(pthread_create(&a, NULL, worker, NULL) == 0);
  CHECK(pthread_create(&b, NULL, worker, NULL) == 0);
  CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
  printf("abi_test: %d checks passed\n", checks);
  return 0;
}
