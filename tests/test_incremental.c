/* test_incremental: batch re-indexing through the API: puts of unchanged
 * documents are skipped and counted, changed ones replace, pruning removes
 * exactly the documents of the given sources that a batch did not put, the
 * tools (stats, dump, compact) see the same index. gw_index_check after
 * every step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index/gw_index_impl.h"
#include "tools/gw_tools.h"
#include "gw_test_index.h"

/* The id of the index's last commit (LMDB's transaction id). */
static uint64_t last_commit(gw_index *ix)
{
	gw_txn *t;
	gw_err err;
	uint64_t id;

	gw_err_clear(&err);
	if (gw_store_begin(ix->s, 0, &t, &err))
		return 0;
	id = gw_txn_id(t);
	gw_txn_abort(t);
	return id;
}

/* Puts a document with a title, a body and a "_source". */
static gw_rc put3(gw_index *ix, const char *id, const char *title, const char *body, const char *src)
{
	gw_t_kv f[] = {{"title", title}, {"body", body}, {"_source", src}, {NULL, NULL}};

	return gw_t_put_kv(ix, id, f);
}

/* Number of hits of q. */
static size_t nhits(gw_index *ix, const char *q)
{
	gw_search_opts o = {.limit = 100};
	gw_results *r;
	gw_err err;
	size_t n;

	gw_err_clear(&err);
	if (gw_search(ix, q, strlen(q), &o, &r, &err))
		return (size_t)-1;
	n = gw_results_count(r);
	gw_results_free(r);
	return n;
}

/* 1 if the document id is stored. */
static int has(gw_index *ix, const char *id)
{
	gw_buf out = GW_BUF_INIT;
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	rc = gw_index_dump(ix, id, strlen(id), &out, &err);
	gw_buf_free(&out);
	return rc == GW_OK;
}

/* The standard set: a.txt (one doc), d/t.csv (three rows), d/sub/x.jsonl
 * (two lines), other.jsonl (one line). */
static void put_all(gw_index *ix, int skip_row2, int change_line1)
{
	CHECK(put3(ix, "a.txt", "科技部关于众创空间的通知", "请做好备案。", "a.txt") == GW_OK);
	CHECK(put3(ix, "d/t.csv#1", "南京孵化器", "南京", "d/t.csv") == GW_OK);
	if (!skip_row2)
		CHECK(put3(ix, "d/t.csv#2", "无锡孵化器", "无锡", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "d/t.csv#3", "苏州孵化器", "苏州", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "x1", change_line1 ? "萤火虫调查" : "萤火虫保护", "生态环境", "d/sub/x.jsonl") == GW_OK);
	CHECK(put3(ix, "x2", "集成电路", "江苏", "d/sub/x.jsonl") == GW_OK);
	CHECK(put3(ix, "o1", "其他文件", "其他", "other.jsonl") == GW_OK);
}

static void test_unchanged_skipped(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;
	uint64_t before;

	gw_t_begin(ix);
	put_all(ix, 0, 0);
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.added == 7 && st.replaced == 0 && st.unchanged == 0);
	CHECK(gw_t_check_ok(ix));
	before = last_commit(ix);
	gw_t_begin(ix);
	put_all(ix, 0, 0);
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.added == 0 && st.replaced == 0 && st.unchanged == 7 && st.deleted == 0);
	/* Nothing changed: nothing was committed (no page written, no sync). */
	CHECK(before != 0 && last_commit(ix) == before);
	CHECK(gw_t_check_ok(ix));
	CHECK(gw_t_count(ix) == 7);
	CHECK(nhits(ix, "萤火虫保护") == 1);
	gw_index_close(ix);
}

/* Batches that replace every document reuse the pages the batch before
 * freed: the file stops growing after the first (LMDB reuses only pages
 * freed before its last commit: gw_store_seal). */
static void test_freed_pages_reused(void)
{
	gw_index *ix = gw_t_open_new();
	uint64_t used[6], unused;
	gw_batch_stats st;
	gw_err err;
	char id[32], body[200];

	gw_err_clear(&err);
	for (int b = 0; b < 6; b++) {
		gw_t_begin(ix);
		for (int i = 0; i < 300; i++) {
			snprintf(id, sizeof id, "d%d", i);
			snprintf(body, sizeof body, "第%d批 文件%d 关于%d号通知 江苏省%d 萤火虫 %d", b, i, i * 7 + b, b * 13 + i, i % 17);
			CHECK(gw_t_put(ix, id, "标题", body) == GW_OK);
		}
		st = gw_t_commit(ix);
		CHECK(st.added + st.replaced == 300);
		CHECK(gw_index_space(ix, &used[b], &unused, &err) == GW_OK);
	}
	/* The second batch reuses what the first freed, and from then on the
	 * file grows by a few pages at most. Without the seal (6 batches of
	 * 300 documents): 148, 328, 504, 568, 572, 576 KB; with it: 148, 328,
	 * 392, 396, 396, 404 KB. */
	CHECK(used[2] - used[1] < (used[1] - used[0]) / 2);
	CHECK(used[5] - used[2] < (used[1] - used[0]) / 8);
	CHECK(gw_t_check_ok(ix));
	gw_index_close(ix);
}

/* Another process's writer on the index, open before it is compacted:
 * tells the parent it is open (ready), waits for go, then tries a batch,
 * which must fail as a whole naming the compaction. Exit status 0 if so. */
static int other_writer(const char *path, int ready, int go)
{
	gw_index *b = gw_t_open(path, GW_OPEN_WRITE);
	gw_err err;
	char ch = 'r';
	gw_rc rc;

	if (!b || write(ready, &ch, 1) != 1 || read(go, &ch, 1) != 1)
		return 2;
	gw_err_clear(&err);
	if ((rc = gw_index_begin(b, &err)) == GW_OK && gw_t_put(b, "late", "标题", "迟到") == GW_OK)
		rc = gw_index_commit(b, NULL, &err);
	if (rc == GW_OK || err.sys != ESTALE || !strstr(err.msg, "compacted copy")) {
		fprintf(stderr, "  other writer: rc %d: %s\n", rc, err.msg);
		return 1;
	}
	gw_index_close(b);
	return 0;
}

/* gw_index_compact_live: the index at its path is replaced by a packed
 * copy with the same documents; a writer of another process that had the
 * old one open cannot write into it any more (its batch would be lost)
 * and says so. (LMDB allows one handle on an index per process.) */
static void test_compact_live(void)
{
	char path[128], tmp[160];
	gw_index *a, *c;
	gw_batch_stats st;
	uint64_t used0, free0, used1, free1;
	gw_err err;
	char id[32], body[200], ch = 'g';
	int ready[2], go[2], status = -1;
	pid_t pid;

	gw_err_clear(&err);
	snprintf(path, sizeof path, "%s", gw_t_fresh_path());
	snprintf(tmp, sizeof tmp, "%s.rebuild-c-test", path);
	a = gw_t_open(path, GW_OPEN_CREATE);
	for (int round = 0; round < 3; round++) {
		gw_t_begin(a);
		for (int i = 0; i < 300; i++) {
			snprintf(id, sizeof id, "d%d", i);
			snprintf(body, sizeof body, "第%d轮 文件%d 关于%d号通知 江苏省", round, i, i * 7 + round);
			CHECK(gw_t_put(a, id, "标题", body) == GW_OK);
		}
		gw_t_commit(a);
	}
	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(other_writer(path, ready[1], go[0]));
	CHECK(pid > 0 && read(ready[0], &ch, 1) == 1);
	CHECK(gw_index_space(a, &used0, &free0, &err) == GW_OK && free0 > 0);
	CHECK(gw_index_compact_live(a, path, tmp, &err) == GW_OK);
	CHECK(access(tmp, F_OK) != 0); /* the old index, swapped there, is gone */
	gw_index_close(a);
	CHECK(write(go[1], &ch, 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	c = gw_t_open(path, GW_OPEN_WRITE);
	CHECK(c && gw_index_space(c, &used1, &free1, &err) == GW_OK);
	CHECK(used1 < used0 && free1 < free0);
	CHECK(gw_t_count(c) == 300 && nhits(c, "第2轮") > 0 && nhits(c, "第1轮") == 0 && nhits(c, "迟到") == 0);
	CHECK(gw_t_check_ok(c));
	/* The new index takes batches. */
	gw_t_begin(c);
	CHECK(gw_t_put(c, "new", "标题", "新文件") == GW_OK);
	st = gw_t_commit(c);
	CHECK(st.added == 1 && gw_t_count(c) == 301);
	gw_index_close(c);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
	}
}

/* A put found unchanged keeps only its id until the commit, which checks
 * the stored document still has its content: a put after a delete of its
 * id in the same batch adds it again; a document another process changed
 * meanwhile fails the batch, naming it, and nothing is written. */
static void test_unchanged_claims(void)
{
	char path[128];
	gw_index *a, *b;
	gw_batch_stats st;
	gw_err err;
	int status = -1;
	pid_t pid;

	snprintf(path, sizeof path, "%s", gw_t_fresh_path());
	a = gw_t_open(path, GW_OPEN_CREATE);
	gw_t_begin(a);
	put_all(a, 0, 0);
	gw_t_commit(a);
	/* Deleted, then put again unchanged, in one batch: it is there. */
	gw_t_begin(a);
	gw_err_clear(&err);
	CHECK(gw_index_delete(a, "x2", 2, &err) == GW_OK);
	put_all(a, 0, 0);
	st = gw_t_commit(a);
	CHECK(st.deleted == 1 && st.added == 1 && st.unchanged == 6);
	CHECK(has(a, "x2") && gw_t_count(a) == 7 && gw_t_check_ok(a));
	/* Put unchanged (claimed), then changed by another process. */
	gw_t_begin(a);
	put_all(a, 0, 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		/* a is left alone here: an LMDB handle must not be used, nor
		 * closed, in a child process. */
		b = gw_t_open(path, GW_OPEN_WRITE);
		if (!b || !gw_t_begin(b) || put3(b, "x1", "萤火虫调查", "生态环境", "d/sub/x.jsonl") ||
		    gw_t_commit(b).replaced != 1)
			_exit(1);
		gw_index_close(b);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	gw_err_clear(&err);
	CHECK(gw_index_commit(a, &st, &err) != GW_OK && strstr(err.msg, "'x1' was changed by another process"));
	CHECK(nhits(a, "萤火虫调查") == 1 && nhits(a, "萤火虫保护") == 0 && gw_t_count(a) == 7);
	CHECK(gw_t_check_ok(a));
	gw_index_close(a);
}

static void test_changed_replaces(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;

	gw_t_begin(ix);
	put_all(ix, 0, 0);
	gw_t_commit_pruning(ix, NULL, 0);
	gw_t_begin(ix);
	put_all(ix, 0, 1);
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.added == 0 && st.replaced == 1 && st.unchanged == 6);
	CHECK(gw_t_check_ok(ix));
	CHECK(nhits(ix, "萤火虫保护") == 0);
	CHECK(nhits(ix, "萤火虫调查") == 1);
	/* A field renamed, same text: not the same content. */
	gw_t_begin(ix);
	{
		gw_t_kv f[] = {{"heading", "其他文件"}, {"_source", "other.jsonl"}, {NULL, NULL}};
		CHECK(gw_t_put_kv(ix, "o1", f) == GW_OK);
	}
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.replaced == 1 && st.unchanged == 0);
	CHECK(gw_t_check_ok(ix));
	gw_index_close(ix);
}

static void test_prune(void)
{
	gw_index *ix = gw_t_open_new();
	const char *dsrc[] = {"d"};
	const char *fsrc[] = {"a.txt", "other.jsonl"};
	gw_batch_stats st;

	gw_t_begin(ix);
	put_all(ix, 0, 0);
	gw_t_commit_pruning(ix, NULL, 0);
	/* Row 2 gone, line 1 changed; a.txt and other.jsonl not walked. */
	gw_t_begin(ix);
	CHECK(put3(ix, "d/t.csv#1", "南京孵化器", "南京", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "d/t.csv#3", "苏州孵化器", "苏州", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "x1", "萤火虫调查", "生态环境", "d/sub/x.jsonl") == GW_OK);
	st = gw_t_commit_pruning(ix, dsrc, 1);
	CHECK(st.added == 0 && st.replaced == 1 && st.unchanged == 2);
	CHECK(st.deleted == 2 && st.pruned == 2); /* d/t.csv#2 and x2 */
	CHECK(gw_t_check_ok(ix));
	CHECK(gw_t_count(ix) == 5);
	CHECK(!has(ix, "d/t.csv#2") && !has(ix, "x2"));
	CHECK(has(ix, "a.txt") && has(ix, "o1") && has(ix, "d/t.csv#1") && has(ix, "x1"));
	CHECK(nhits(ix, "无锡") == 0);
	CHECK(nhits(ix, "其他") == 1);
	/* Files named one by one: a.txt walked but empty now, other.jsonl kept. */
	gw_t_begin(ix);
	CHECK(put3(ix, "o1", "其他文件", "其他", "other.jsonl") == GW_OK);
	st = gw_t_commit_pruning(ix, fsrc, 2);
	CHECK(st.deleted == 1 && st.unchanged == 1 && !has(ix, "a.txt") && has(ix, "o1"));
	CHECK(gw_t_check_ok(ix));
	/* A prefix that is not a path component does not match: "d/t" is not
	 * "d/t.csv". */
	gw_t_begin(ix);
	{
		const char *p[] = {"d/t", "d/sub/x"};
		st = gw_t_commit_pruning(ix, p, 2);
		CHECK(st.deleted == 0 && gw_t_count(ix) == 4);
	}
	CHECK(gw_t_check_ok(ix));
	/* A put and a prune of the same source in one batch: the put wins. */
	gw_t_begin(ix);
	CHECK(put3(ix, "x1", "萤火虫调查", "生态环境", "d/sub/x.jsonl") == GW_OK);
	{
		const char *p[] = {"d/sub/x.jsonl"};
		st = gw_t_commit_pruning(ix, p, 1);
	}
	CHECK(st.deleted == 0 && st.unchanged == 1 && has(ix, "x1"));
	CHECK(gw_t_check_ok(ix));
	gw_index_close(ix);
}

/* Gives ix a text dictionary: a batch of 1.5 MB of texts trains one, and
 * deleting its documents keeps it. Without one, a batch's first window
 * would hold GW_ZDICT_SPAN bytes (a dictionary may be trained on them). */
static void seed_dictionary(gw_index *ix)
{
	static char body[6000];
	gw_err err;
	char id[32];

	gw_t_begin(ix);
	for (unsigned i = 0; i < 300; i++) {
		size_t n = 0;
		while (n + 100 < sizeof body)
			n += (size_t)snprintf(body + n, sizeof body - n, "种子文本第%u段，关于科技园区%u的说明。", i, (unsigned)n % 89);
		snprintf(id, sizeof id, "seed%u", i);
		CHECK(gw_t_put(ix, id, "种子", body) == GW_OK);
	}
	gw_t_commit_pruning(ix, NULL, 0);
	gw_t_begin(ix);
	gw_err_clear(&err);
	for (unsigned i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "seed%u", i);
		CHECK(gw_index_delete(ix, id, strlen(id), &err) == GW_OK);
	}
	gw_t_commit_pruning(ix, NULL, 0);
	CHECK(gw_t_count(ix) == 0);
	{
		gw_index_stats st;
		gw_err_clear(&err);
		CHECK(gw_index_stats_get(ix, "", &st, &err) == GW_OK && st.zdict_bytes > 0);
	}
}

/* A batch applied in windows as it grows (here: after every put) gives
 * what one applied at commit gives, and nothing of it shows before. */
static void test_windows(void)
{
	gw_index *ix = gw_t_open_new();
	const char *dsrc[] = {"d"};
	gw_batch_stats st;

	seed_dictionary(ix);
	gw_index_set_window(ix, 1);
	gw_t_begin(ix);
	put_all(ix, 0, 0);
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.added == 7 && st.replaced == 0 && st.unchanged == 0);
	CHECK(gw_t_check_ok(ix));
	CHECK(gw_t_count(ix) == 7 && nhits(ix, "萤火虫保护") == 1);
	/* The same id twice in one batch, in two windows: the last put wins
	 * and is counted once; a put then a delete: gone. */
	gw_t_begin(ix);
	CHECK(put3(ix, "x1", "萤火虫调查", "生态环境", "d/sub/x.jsonl") == GW_OK);
	CHECK(put3(ix, "x1", "萤火虫普查", "生态环境", "d/sub/x.jsonl") == GW_OK);
	CHECK(put3(ix, "tmp", "临时文件", "临时", "tmp.txt") == GW_OK);
	{
		gw_err err;
		gw_err_clear(&err);
		CHECK(gw_index_delete(ix, "tmp", 3, &err) == GW_OK);
	}
	st = gw_t_commit_pruning(ix, NULL, 0);
	CHECK(st.replaced == 1 && st.added == 1 && st.deleted == 1);
	CHECK(gw_t_check_ok(ix));
	CHECK(nhits(ix, "萤火虫普查") == 1 && nhits(ix, "萤火虫调查") == 0 && nhits(ix, "临时") == 0);
	CHECK(gw_t_count(ix) == 7 && !has(ix, "tmp"));
	/* Pruning spares the ids put in earlier windows. */
	gw_t_begin(ix);
	CHECK(put3(ix, "d/t.csv#1", "南京孵化器", "南京", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "d/t.csv#3", "苏州孵化器", "苏州", "d/t.csv") == GW_OK);
	CHECK(put3(ix, "x1", "萤火虫普查", "生态环境", "d/sub/x.jsonl") == GW_OK);
	st = gw_t_commit_pruning(ix, dsrc, 1);
	CHECK(st.unchanged == 3 && st.deleted == 2 && st.pruned == 2);
	CHECK(gw_t_check_ok(ix));
	CHECK(gw_t_count(ix) == 5 && has(ix, "d/t.csv#1") && !has(ix, "d/t.csv#2") && !has(ix, "x2"));
	/* Windows applied, then the batch aborted: the index is as it was. */
	gw_t_begin(ix);
	CHECK(put3(ix, "new1", "新的文件", "新", "n.txt") == GW_OK);
	CHECK(put3(ix, "new2", "新的文件", "新", "n.txt") == GW_OK);
	gw_index_abort(ix);
	CHECK(gw_t_count(ix) == 5 && !has(ix, "new1") && nhits(ix, "新的文件") == 0);
	CHECK(gw_t_check_ok(ix));
	gw_index_close(ix);
}

static void test_tools(void)
{
	const char *path = gw_t_fresh_path();
	char dest[160], dest2[170];
	gw_index *ix = gw_t_open(path, GW_OPEN_CREATE), *cx;
	gw_index_stats st;
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	gw_t_begin(ix);
	put_all(ix, 0, 0);
	gw_t_commit_pruning(ix, NULL, 0);
	gw_err_clear(&err);
	CHECK(gw_index_stats_get(ix, path, &st, &err) == GW_OK);
	CHECK(st.docs == 7 && st.other == 7 && st.with_source == 7 && st.format == GW_FORMAT_VERSION);
	CHECK(st.terms > 0 && st.postings >= st.terms && st.chunks >= st.terms && st.file_bytes > 0);
	CHECK(st.db[2].entries == 7 && strcmp(st.db[4].name, "lens") == 0 && st.db[4].entries == 1);
	CHECK(strcmp(st.db[5].name, "norms") == 0 && st.db[5].entries == 2); /* a block, the field sets */
	CHECK(strcmp(st.db[6].name, "post") == 0);
	CHECK(gw_index_dump(ix, "x2", 2, &out, &err) == GW_OK);
	out.len ? gw_buf_putc(&out, 0) : (void)0;
	CHECK(out.p && strstr((char *)out.p, "field _source (stored only): d/sub/x.jsonl"));
	CHECK(out.p && strstr((char *)out.p, "bigram 集成 @0"));
	CHECK(gw_index_dump(ix, "nope", 4, &out, &err) == GW_ENOTFOUND);
	snprintf(dest, sizeof dest, "%s-compact", path);
	gw_err_clear(&err);
	CHECK(gw_index_compact(ix, dest, &err) == GW_OK);
	gw_err_clear(&err);
	CHECK(gw_index_compact(ix, dest, &err) == GW_EINVAL); /* not empty now */
	snprintf(dest2, sizeof dest2, "%s/data.mdb", dest);
	CHECK(access(dest2, F_OK) == 0);
	cx = gw_t_open(dest, GW_OPEN_READ);
	CHECK(cx && gw_t_check_ok(cx) && gw_t_count(cx) == 7 && nhits(cx, "萤火虫") == 1);
	gw_index_close(cx);
	gw_buf_free(&out);
	gw_index_close(ix);
}

int main(void)
{
	if (!gw_t_scratch_make("incr"))
		return 1;
	RUN(test_unchanged_skipped);
	RUN(test_changed_replaces);
	RUN(test_freed_pages_reused);
	RUN(test_compact_live);
	RUN(test_unchanged_claims);
	RUN(test_prune);
	RUN(test_windows);
	RUN(test_tools);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
