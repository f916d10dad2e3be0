/*
 * test_sendmail.c: sendmail_send() against real children.  Small shell
 * scripts in a temporary directory stand in for sendmail(1): one saves
 * its argv and stdin, others exit 75 with a message, exit 0 without
 * reading, sleep past the timeout (with and without honouring SIGTERM),
 * die by a signal, or leave a grandchild holding the output pipe.  Each
 * row checks ok, status and a reason substring; the saved argv and bytes
 * are compared exactly.  Calls that must fail without a child check that
 * no child was made and that the callback still comes from the loop.
 * After every test no child of ours is left (waitpid(-1) says ECHILD), so
 * there is no zombie.  The loop runs with a safety timer, never with a
 * timed assertion on speed.  The directory is removed at the end.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "tabletest.h"

#include "log.h"
#include "sendmail.h"

#define SAFETY_SEC	30	/* the loop never runs longer than this */
#define GONE_SEC	10	/* a signalled process is gone by then */
#define BIG_LEN		(1024 * 1024)

/* The stand-ins; @D@ becomes the temporary directory. */
static const char save_sh[] =
    "#!/bin/sh\n"
    "# argv one per line after the count, stdin verbatim, by RCPT\n"
    "{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\";"
    " done; } > \"@D@/$5.argv\"\n"
    "cat > \"@D@/$5.stdin\"\n"
    "exit 0\n";
static const char tempfail_sh[] =
    "#!/bin/sh\n"
    "cat > /dev/null\n"
    "echo 'on stdout first'\n"
    "echo 'postdrop: warning: unable to look up public/pickup' >&2\n"
    "exit 75\n";
static const char noread_sh[] =
    "#!/bin/sh\n"
    "exit 0\n";
static const char slow_sh[] =
    "#!/bin/sh\n"
    "sleep 600 &\n"
    "echo $! > \"@D@/slow.gpid\"\n"
    "wait\n";
static const char stubborn_sh[] =
    "#!/bin/sh\n"
    "trap '' TERM\n"
    "sleep 600 &\n"
    "echo $! > \"@D@/stubborn.gpid\"\n"
    "wait\n"
    "wait\n";
static const char stray_sh[] =
    "#!/bin/sh\n"
    "(trap '' TERM; exec sleep 600) &\n"
    "echo $! > \"@D@/stray.gpid\"\n"
    "wait\n";
static const char signal_sh[] =
    "#!/bin/sh\n"
    "echo 'about to die' >&2\n"
    "kill -USR1 $$\n"
    "sleep 600\n";
static const char holdpipe_sh[] =
    "#!/bin/sh\n"
    "sleep 600 &\n"
    "echo $! > \"@D@/holdpipe.gpid\"\n"
    "cat > /dev/null\n"
    "exit 0\n";
static const char cancel_sh[] =
    "#!/bin/sh\n"
    "echo $$ > \"@D@/cancel.pid.tmp\"\n"
    "sleep 600 &\n"
    "echo $! > \"@D@/cancel.gpid.tmp\"\n"
    "mv \"@D@/cancel.pid.tmp\" \"@D@/cancel.pid\"\n"
    "mv \"@D@/cancel.gpid.tmp\" \"@D@/cancel.gpid\"\n"
    "wait\n";
static const char env_sh[] =
    "#!/bin/sh\n"
    "s=$(grep -E 'Sig(Blk|Ign)' /proc/$$/status | tr -d '\\t\\n')\n"
    "f=$(cd /proc/$$/fd && echo *)\n"
    "echo \"$s fds $f .\" >&2\n"
    "exit 1\n";
static const char sink_sh[] =
    "#!/bin/sh\n"
    "cat > /dev/null\n"
    "exit 0\n";
static const char noexec_sh[] =
    "#!/bin/sh\n"
    "exit 0\n";

struct script {
	const char	*name;
	const char	*text;
	mode_t		 mode;
};

static const struct script scripts[] = {
	{ "save", save_sh, 0755 },
	{ "tempfail", tempfail_sh, 0755 },
	{ "noread", noread_sh, 0755 },
	{ "slow", slow_sh, 0755 },
	{ "stubborn", stubborn_sh, 0755 },
	{ "stray", stray_sh, 0755 },
	{ "signal", signal_sh, 0755 },
	{ "holdpipe", holdpipe_sh, 0755 },
	{ "cancel", cancel_sh, 0755 },
	{ "env", env_sh, 0755 },
	{ "sink", sink_sh, 0755 },
	{ "noexec", noexec_sh, 0644 },
};

/* SENDMAIL_ADDR_MAX (512) bytes. */
#define S32	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S512	S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32 S32

enum msgkind { MSG_SMALL, MSG_EMPTY, MSG_BINARY, MSG_BIG };

struct row {
	const char	*label;
	const char	*script;	/* in the directory; NULL: path */
	const char	*path;		/* used as is when script is NULL */
	const char	*from;
	const char	*rcpt;
	enum msgkind	 msg;
	unsigned	 timeout_ms;
	int		 ok;
	int		 status;
	const char	*reason;	/* substring; NULL: none */
	const char	*reason2;	/* another substring; NULL: none */
	int		 nochild;	/* must fail without a child */
	int		 saved;		/* argv and stdin saved by "save" */
	const char	*gpid;		/* grandchild pid file to check */
	unsigned	 min_ms;	/* took at least (timeouts) */
};

static const struct row rows[] = {
	{ "save: argv is exactly -i -f FROM -- RCPT, small message",
	    "save", NULL, "tlsrpt@example.org", "small@example.net",
	    MSG_SMALL, 0, 1, 0, NULL, NULL, 0, 1, NULL, 0 },
	{ "save: empty message is just EOF",
	    "save", NULL, "tlsrpt@example.org", "empty@example.net",
	    MSG_EMPTY, 0, 1, 0, NULL, NULL, 0, 1, NULL, 0 },
	{ "save: every byte value, NUL included, arrives unchanged",
	    "save", NULL, "tlsrpt@example.org", "binary@example.net",
	    MSG_BINARY, 0, 1, 0, NULL, NULL, 0, 1, NULL, 0 },
	{ "save: 1 MiB, larger than a pipe buffer",
	    "save", NULL, "tlsrpt@example.org", "big@example.net",
	    MSG_BIG, 0, 1, 0, NULL, NULL, 0, 1, NULL, 0 },
	{ "save: UTF-8 addresses pass",
	    "save", NULL, "r\xc3\xa9port@example.org",
	    "\xc3\xbc@example.net", MSG_SMALL, 0, 1, 0, NULL, NULL, 0, 1,
	    NULL, 0 },
	{ "exit 75: failure, status 75, reason has its stderr",
	    "tempfail", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, 75, "unable to look up public/pickup",
	    "EX_TEMPFAIL", 0, 0, NULL, 0 },
	{ "exit 75 with 1 MiB read first: reason has its stdout too",
	    "tempfail", NULL, "a@example.org", "b@example.net",
	    MSG_BIG, 0, 0, 75, "on stdout first", "status 75", 0, 0, NULL,
	    0 },
	{ "exit 0 without reading 1 MiB: failure, message not taken",
	    "noread", NULL, "a@example.org", "b@example.net",
	    MSG_BIG, 0, 0, 0, "took only", NULL, 0, 0, NULL, 0 },
	{ "sleeps past the timeout: SIGTERM to its group, status -1",
	    "slow", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 300, 0, -1, "timed out after 300 ms", "SIGTERM", 0, 0,
	    "slow.gpid", 300 },
	{ "ignores SIGTERM: SIGKILL after the grace period",
	    "stubborn", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 300, 0, -1, "timed out after 300 ms", "SIGKILL", 0, 0,
	    "stubborn.gpid", 300 + SENDMAIL_GRACE_MS },
	{ "timed out, a grandchild ignores SIGTERM: the group gets SIGKILL",
	    "stray", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 300, 0, -1, "timed out after 300 ms", "SIGTERM", 0, 0,
	    "stray.gpid", 300 },
	{ "killed by a signal: status -1, reason names it",
	    "signal", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "killed by signal", "about to die", 0, 0,
	    NULL, 0 },
	{ "a grandchild holds the output pipe: done at the child's exit",
	    "holdpipe", NULL, "a@example.org", "b@example.net",
	    MSG_BIG, 0, 1, 0, NULL, NULL, 0, 0, "holdpipe.gpid", 0 },
	{ "from of SENDMAIL_ADDR_MAX bytes passes",
	    "sink", NULL, S512, "b@example.net",
	    MSG_SMALL, 0, 1, 0, NULL, NULL, 0, 0, NULL, 0 },
	{ "rcpt of SENDMAIL_ADDR_MAX + 1 bytes: no child",
	    "sink", NULL, "a@example.org", S512 "a",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
	{ "relative path: no child",
	    NULL, "sendmail", "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "not absolute", NULL, 1, 0, NULL, 0 },
	{ "dot-relative path: no child",
	    NULL, "./sendmail", "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "not absolute", NULL, 1, 0, NULL, 0 },
	{ "empty path: no child",
	    NULL, "", "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "not absolute", NULL, 1, 0, NULL, 0 },
	{ "missing absolute path: spawn fails, no child",
	    NULL, "/nonexistent/sendmail", "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "cannot run", NULL, 1, 0, NULL, 0 },
	{ "not executable: spawn fails, no child",
	    "noexec", NULL, "a@example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "cannot run", NULL, 1, 0, NULL, 0 },
	{ "empty from: no child",
	    "save", NULL, "", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "sender", NULL, 1, 0, NULL, 0 },
	{ "from starts with '-': no child",
	    "save", NULL, "-oQ/tmp", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "sender", NULL, 1, 0, NULL, 0 },
	{ "from with a space: no child",
	    "save", NULL, "a @example.org", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "sender", NULL, 1, 0, NULL, 0 },
	{ "from with a newline: no child",
	    "save", NULL, "a@example.org\nb", "b@example.net",
	    MSG_SMALL, 0, 0, -1, "sender", NULL, 1, 0, NULL, 0 },
	{ "empty rcpt: no child",
	    "save", NULL, "a@example.org", "",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
	{ "rcpt starts with '-': no child",
	    "save", NULL, "a@example.org", "-bs",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
	{ "rcpt with a space: no child",
	    "save", NULL, "a@example.org", "b@example.net c@example.net",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
	{ "rcpt with a tab: no child",
	    "save", NULL, "a@example.org", "b@example.net\t",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
	{ "rcpt with DEL: no child",
	    "save", NULL, "a@example.org", "b\x7f@example.net",
	    MSG_SMALL, 0, 0, -1, "recipient", NULL, 1, 0, NULL, 0 },
};

static char		 dir[PATH_MAX];
static struct event_base *base;
static int		 in_send;
static int		 in_loop;

struct outcome {
	int		 calls;
	int		 from_loop;
	int		 during_send;
	int		 ok;
	int		 status;
	unsigned	 ms;
	char		 reason[1024];
};

static void	 done_cb(const struct sendmail_result *, void *);
static void	 safety_cb(evutil_socket_t, short, void *);
static int	 run_loop(struct outcome *);
static char	*make_msg(enum msgkind, size_t *);
static char	*read_file(const char *, size_t *);
static void	 path_in_dir(char *, size_t, const char *);
static pid_t	 read_pid(const char *);
static int	 proc_gone(pid_t);
static void	 assert_gone(pid_t);
static void	 assert_no_children(void);
static void	 expect_argv(const char *, const char *, const char *);

static void
done_cb(const struct sendmail_result *r, void *arg)
{
	struct outcome	*o = arg;

	o->calls++;
	o->from_loop = in_loop;
	o->during_send = in_send;
	o->ok = r->ok;
	o->status = r->status;
	o->ms = r->ms;
	assert_non_null(r->reason);
	(void)snprintf(o->reason, sizeof(o->reason), "%s", r->reason);
	event_base_loopbreak(base);
}

static void
safety_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
	event_base_loopbreak(base);
}

/* Run until the callback (or the safety timer); 0 if it came. */
static int
run_loop(struct outcome *o)
{
	struct timeval	 tv = { SAFETY_SEC, 0 };
	struct event	*safety;
	int		 expired = 0;

	safety = evtimer_new(base, safety_cb, &expired);
	assert_non_null(safety);
	evtimer_add(safety, &tv);
	in_loop = 1;
	while (o->calls == 0 && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	in_loop = 0;
	event_free(safety);
	return o->calls > 0 ? 0 : -1;
}

static char *
make_msg(enum msgkind kind, size_t *len)
{
	static const char small[] =
	    "From: tlsrpt@example.org\r\nTo: b@example.net\r\n"
	    "Subject: Report Domain: example.org\r\n\r\nhello\r\n";
	char	*m;
	size_t	 i;

	switch (kind) {
	case MSG_EMPTY:
		*len = 0;
		return calloc(1, 1);
	case MSG_BINARY:
		*len = 256 * 3;
		m = malloc(*len);
		for (i = 0; i < *len; i++)
			m[i] = (char)(i & 0xff);
		return m;
	case MSG_BIG:
		*len = BIG_LEN;
		m = malloc(*len);
		for (i = 0; i < *len; i++)
			m[i] = (char)('A' + (i * 7 + i / 4096) % 26);
		m[12345] = '\0';
		m[BIG_LEN - 1] = '\n';
		return m;
	case MSG_SMALL:
	default:
		*len = sizeof(small) - 1;
		m = malloc(*len);
		memcpy(m, small, *len);
		return m;
	}
}

static char *
read_file(const char *path, size_t *len)
{
	char	*buf = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (cap - *len < 65536) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		n = read(fd, buf + *len, cap - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	buf[*len] = '\0';
	return buf;
}

static void
path_in_dir(char *buf, size_t size, const char *name)
{
	int	n;

	n = snprintf(buf, size, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < size);
}

static pid_t
read_pid(const char *name)
{
	char	 path[PATH_MAX], *s;
	size_t	 len;
	long	 v;

	path_in_dir(path, sizeof(path), name);
	if ((s = read_file(path, &len)) == NULL)
		return -1;
	v = strtol(s, NULL, 10);
	free(s);
	return v > 1 ? (pid_t)v : -1;
}

/* Gone, or a zombie waiting for a parent that is not us. */
static int
proc_gone(pid_t pid)
{
	char	 path[64], *s, *p;
	size_t	 len;
	int	 gone;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((s = read_file(path, &len)) == NULL)
		return 1;
	p = strrchr(s, ')');
	gone = p != NULL && (p[2] == 'Z' || p[2] == 'X');
	free(s);
	return gone;
}

/* A signal takes effect soon, not at once: poll, with a safety bound. */
static void
assert_gone(pid_t pid)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 i;

	assert_true(pid > 1);
	for (i = 0; i < GONE_SEC * 100 && !proc_gone(pid); i++)
		nanosleep(&ts, NULL);
	if (!proc_gone(pid)) {
		(void)kill(pid, SIGKILL);
		fail_msg("process %ld still running", (long)pid);
	}
}

/* No child of ours is left: none running, no zombie. */
static void
assert_no_children(void)
{
	int	st;
	pid_t	r;

	r = waitpid(-1, &st, WNOHANG);
	if (r != -1)
		fail_msg("waitpid(-1) returned %ld: a child is left", (long)r);
	assert_int_equal(errno, ECHILD);
}

static void
expect_argv(const char *from, const char *rcpt, const char *saved)
{
	char	want[4096];
	int	n;

	n = snprintf(want, sizeof(want), "5\n-i\n-f\n%s\n--\n%s\n", from,
	    rcpt);
	assert_true(n > 0 && (size_t)n < sizeof(want));
	assert_string_equal(saved, want);
}

static void
test_row(void **state)
{
	const struct row	*r = *state;
	struct outcome		 o;
	struct sendmail		*sm;
	char			 path[PATH_MAX], file[PATH_MAX], *msg, *got;
	size_t			 len, glen;
	pid_t			 gpid;

	memset(&o, 0, sizeof(o));
	if (r->script != NULL)
		path_in_dir(path, sizeof(path), r->script);
	else
		(void)snprintf(path, sizeof(path), "%s", r->path);
	msg = make_msg(r->msg, &len);
	assert_non_null(msg);

	in_send = 1;
	sm = sendmail_send(base, path, r->from, r->rcpt, msg, len,
	    r->timeout_ms, done_cb, &o);
	in_send = 0;
	assert_non_null(sm);
	assert_int_equal(o.calls, 0);
	/* The message is copied. */
	memset(msg, 'x', len);
	free(msg);
	if (r->nochild)
		assert_no_children();

	assert_int_equal(run_loop(&o), 0);
	print_message("# ok %d status %d %u ms: %s\n", o.ok, o.status, o.ms,
	    o.reason);
	assert_int_equal(o.calls, 1);
	assert_true(o.from_loop);
	assert_false(o.during_send);
	assert_int_equal(o.ok, r->ok);
	assert_int_equal(o.status, r->status);
	if (r->ok)
		assert_string_equal(o.reason, "");
	else
		assert_true(o.reason[0] != '\0');
	if (r->reason != NULL && strstr(o.reason, r->reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", o.reason, r->reason);
	if (r->reason2 != NULL && strstr(o.reason, r->reason2) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", o.reason, r->reason2);
	if (r->min_ms > 0) {
		/* Not before the timeout; within it plus grace, generously. */
		assert_true(o.ms + 50 >= r->min_ms);
		assert_true(o.ms < r->timeout_ms + SENDMAIL_GRACE_MS +
		    SAFETY_SEC * 1000 / 2);
	}
	assert_no_children();

	if (r->saved) {
		(void)snprintf(file, sizeof(file), "%s.argv", r->rcpt);
		path_in_dir(path, sizeof(path), file);
		got = read_file(path, &glen);
		assert_non_null(got);
		expect_argv(r->from, r->rcpt, got);
		free(got);
		(void)snprintf(file, sizeof(file), "%s.stdin", r->rcpt);
		path_in_dir(path, sizeof(path), file);
		got = read_file(path, &glen);
		assert_non_null(got);
		msg = make_msg(r->msg, &len);
		assert_int_equal(glen, len);
		assert_memory_equal(got, msg, len);
		free(msg);
		free(got);
	}
	if (r->gpid != NULL) {
		gpid = read_pid(r->gpid);
		if (r->script != NULL && strcmp(r->script, "holdpipe") == 0) {
			/* Not ours to stop: it outlived a successful run. */
			assert_true(gpid > 1);
			(void)kill(gpid, SIGKILL);
		}
		assert_gone(gpid);
	}
}

/* Wait until the cancel script has written both pids. */
static void
wait_for_cancel_pids(pid_t *pid, pid_t *gpid)
{
	struct timeval	 tv = { 0, 10 * 1000 };
	int		 i;

	*pid = *gpid = -1;
	for (i = 0; i < SAFETY_SEC * 100; i++) {
		if ((*pid = read_pid("cancel.pid")) > 1 &&
		    (*gpid = read_pid("cancel.gpid")) > 1)
			return;
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	fail_msg("the cancel script never wrote its pids");
}

/* Run the loop a little, to see that no callback comes. */
static void
spin(void)
{
	struct timeval	 tv = { 0, 200 * 1000 };

	event_base_loopexit(base, &tv);
	in_loop = 1;
	event_base_dispatch(base);
	in_loop = 0;
}

static void
test_cancel_running(void **state)
{
	struct outcome	 o;
	struct sendmail	*sm;
	char		 path[PATH_MAX], *msg, file[PATH_MAX];
	size_t		 len;
	pid_t		 pid, gpid;
	int		 st;

	memset(&o, 0, sizeof(o));
	path_in_dir(file, sizeof(file), "cancel.pid");
	(void)unlink(file);
	path_in_dir(file, sizeof(file), "cancel.gpid");
	(void)unlink(file);
	path_in_dir(path, sizeof(path), "cancel");
	/* 1 MiB that it never reads: the write is half way, too. */
	msg = make_msg(MSG_BIG, &len);
	sm = sendmail_send(base, path, "a@example.org", "b@example.net", msg,
	    len, 0, done_cb, &o);
	free(msg);
	assert_non_null(sm);
	wait_for_cancel_pids(&pid, &gpid);
	assert_int_equal(o.calls, 0);
	sendmail_cancel(sm);
	/* Reaped by the cancel: not our child any more, not a zombie. */
	assert_int_equal(waitpid(pid, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_true(kill(pid, 0) == -1 && errno == ESRCH);
	assert_gone(gpid);
	assert_no_children();
	spin();
	assert_int_equal(o.calls, 0);
}

static void
test_cancel_at_once(void **state)
{
	struct outcome	 o;
	struct sendmail	*sm;
	char		 path[PATH_MAX], *msg;
	size_t		 len;

	memset(&o, 0, sizeof(o));
	path_in_dir(path, sizeof(path), "slow");
	msg = make_msg(MSG_BIG, &len);
	sm = sendmail_send(base, path, "a@example.org", "b@example.net", msg,
	    len, 0, done_cb, &o);
	free(msg);
	sendmail_cancel(sm);
	assert_no_children();
	spin();
	assert_int_equal(o.calls, 0);
}

static void
test_cancel_after_write(void **state)
{
	struct outcome	 o;
	struct sendmail	*sm;
	char		 path[PATH_MAX], *msg;
	size_t		 len;
	pid_t		 pid, gpid;

	/* A small message is all in the pipe; the child waits. */
	memset(&o, 0, sizeof(o));
	path_in_dir(path, sizeof(path), "cancel.pid");
	(void)unlink(path);
	path_in_dir(path, sizeof(path), "cancel.gpid");
	(void)unlink(path);
	path_in_dir(path, sizeof(path), "cancel");
	msg = make_msg(MSG_SMALL, &len);
	sm = sendmail_send(base, path, "a@example.org", "b@example.net", msg,
	    len, 0, done_cb, &o);
	free(msg);
	wait_for_cancel_pids(&pid, &gpid);
	sendmail_cancel(sm);
	assert_true(kill(pid, 0) == -1 && errno == ESRCH);
	assert_gone(gpid);
	assert_no_children();
	spin();
	assert_int_equal(o.calls, 0);
}

static void
test_cancel_no_child(void **state)
{
	struct outcome	 o;
	struct sendmail	*sm;

	memset(&o, 0, sizeof(o));
	sm = sendmail_send(base, "relative", "a@example.org",
	    "b@example.net", "x", 1, 0, done_cb, &o);
	assert_non_null(sm);
	sendmail_cancel(sm);
	sendmail_cancel(NULL);
	spin();
	assert_int_equal(o.calls, 0);
	assert_no_children();
}

/*
 * The child starts clean: default dispositions although we ignore
 * SIGPIPE, nothing blocked although we block SIGUSR2, and none of our
 * descriptors beyond 0, 1 and 2, CLOEXEC or not (fd 47 here).
 */
static void
test_child_env(void **state)
{
	struct outcome	 o;
	struct sendmail	*sm;
	char		 path[PATH_MAX], *p1, *p2;
	sigset_t	 set, old;
	int		 p[2];

	memset(&o, 0, sizeof(o));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], 47), 47);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	path_in_dir(path, sizeof(path), "env");
	sm = sendmail_send(base, path, "a@example.org", "b@example.net", "x",
	    1, 0, done_cb, &o);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	assert_non_null(sm);
	assert_int_equal(run_loop(&o), 0);
	close(47);
	close(p[0]);
	close(p[1]);
	print_message("# %s\n", o.reason);
	assert_int_equal(o.status, 1);
	/* Signals 1-31; glibc's own 32 and 33 are its business. */
	if ((p1 = strstr(o.reason, "SigBlk:")) == NULL ||
	    (p2 = strstr(o.reason, "SigIgn:")) == NULL)
		fail_msg("no signal masks: %s", o.reason);
	if ((strtoull(p1 + 7, NULL, 16) & 0x7fffffffULL) != 0 ||
	    (strtoull(p2 + 7, NULL, 16) & 0x7fffffffULL) != 0)
		fail_msg("signals not reset: %s", o.reason);
	if (strstr(o.reason, " fds 0 1 ") == NULL ||
	    strstr(o.reason, " 47 ") != NULL)
		fail_msg("descriptors leaked: %s", o.reason);
	assert_no_children();
}

#define CONCURRENT	8

/* Eight at once: no child holds another's pipe, every one completes. */
static void
test_concurrent(void **state)
{
	struct outcome	 o[CONCURRENT];
	struct sendmail	*sm[CONCURRENT];
	char		 path[PATH_MAX], rcpt[CONCURRENT][64], file[PATH_MAX];
	char		*msg, *got;
	size_t		 len, glen;
	int		 i, calls, expired = 0;
	struct timeval	 tv = { SAFETY_SEC, 0 };
	struct event	*safety;

	memset(o, 0, sizeof(o));
	path_in_dir(path, sizeof(path), "save");
	msg = make_msg(MSG_BIG, &len);
	len = len / 4 + 17;
	for (i = 0; i < CONCURRENT; i++) {
		(void)snprintf(rcpt[i], sizeof(rcpt[i]), "c%d@example.net", i);
		sm[i] = sendmail_send(base, path, "a@example.org", rcpt[i],
		    msg + i, len, 0, done_cb, &o[i]);
		assert_non_null(sm[i]);
	}
	safety = evtimer_new(base, safety_cb, &expired);
	evtimer_add(safety, &tv);
	in_loop = 1;
	for (;;) {
		for (calls = 0, i = 0; i < CONCURRENT; i++)
			calls += o[i].calls;
		if (calls == CONCURRENT || expired)
			break;
		event_base_loop(base, EVLOOP_ONCE);
	}
	in_loop = 0;
	event_free(safety);
	assert_false(expired);
	for (i = 0; i < CONCURRENT; i++) {
		assert_int_equal(o[i].calls, 1);
		if (!o[i].ok)
			fail_msg("%d: %s", i, o[i].reason);
		(void)snprintf(file, sizeof(file), "%s.stdin", rcpt[i]);
		path_in_dir(path, sizeof(path), file);
		got = read_file(path, &glen);
		assert_non_null(got);
		assert_int_equal(glen, len);
		assert_memory_equal(got, msg + i, len);
		free(got);
	}
	free(msg);
	assert_no_children();
}

static int
group_setup(void **state)
{
	char		 path[PATH_MAX], *text, *p;
	const char	*t;
	size_t		 i, n, dlen;
	FILE		*f;

	(void)snprintf(dir, sizeof(dir), "%s/test_sendmail.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	dlen = strlen(dir);
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		/* Replace every @D@ with the directory. */
		text = malloc(strlen(scripts[i].text) * (dlen + 1) + 1);
		if (text == NULL)
			return -1;
		for (p = text, t = scripts[i].text; *t != '\0'; ) {
			if (strncmp(t, "@D@", 3) == 0) {
				memcpy(p, dir, dlen);
				p += dlen;
				t += 3;
			} else
				*p++ = *t++;
		}
		*p = '\0';
		n = (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    scripts[i].name);
		if (n >= sizeof(path) || (f = fopen(path, "w")) == NULL) {
			free(text);
			return -1;
		}
		fputs(text, f);
		free(text);
		if (fclose(f) != 0 || chmod(path, scripts[i].mode) == -1)
			return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	char	cmd[PATH_MAX + 32];

	if (dir[0] != '\0' && strncmp(dir, "/", 1) == 0 &&
	    strstr(dir, "test_sendmail.") != NULL) {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	if ((base = event_base_new()) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	event_base_free(base);
	base = NULL;
	return 0;
}

int
main(void)
{
	static struct table_tests	 tt;
	size_t				 i;
	int				 rc;

	/* As main.c does: a child that stops reading must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0, "test_sendmail");

	TABLE_ADD(&tt, rows, test_row);
#define FN(name, fn) table_add_fn(&tt, name, fn)
	FN("cancel a running child: no callback, reaped, group killed",
	    test_cancel_running);
	FN("cancel after the whole message is written",
	    test_cancel_after_write);
	FN("cancel right after sendmail_send: no callback, no child",
	    test_cancel_at_once);
	FN("cancel a failure without a child: no callback; cancel(NULL)",
	    test_cancel_no_child);
	FN("the child gets default signals, no mask, only fds 0-2",
	    test_child_env);
	FN("eight at once, 256 KiB each", test_concurrent);
#undef FN
	for (i = 0; i < tt.n; i++) {
		tt.t[i].setup_func = setup;
		tt.t[i].teardown_func = teardown;
	}
	rc = _cmocka_run_group_tests("sendmail", tt.t, tt.n, group_setup,
	    group_teardown);
	log_flush();
	return rc;
}
