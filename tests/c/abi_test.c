/* Exercises the whole auditsift C ABI: parse, filter, fields and tables, errors, collector, the file reader,
 * inventory, every error path, frees, and independent handles on two threads at once.
 * Prints "abi_test: N checks passed" and exits non-zero on the first failure. */
#include "auditsift.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  pthread_t a, b;
  CHECK(pthread_create(&a, NULL, worker, NULL) == 0);
  CHECK(pthread_create(&b, NULL, worker, NULL) == 0);
  CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
  printf("abi_test: %d checks passed\n", checks);
  return 0;
}
