/*
 * test_collector.c: the TLSRPT datagram socket (collector.h) with real
 * sockets: datagrams arrive whole and in order, an oversized one is
 * counted and dropped, a stale socket is replaced, and nothing live or
 * foreign at the path is ever taken.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "tabletest.h"
#include "collector.h"
#include "xmalloc.h"

static char		 dir[] = "/tmp/mtasts-collector.XXXXXX";
static char		 path[100];	/* fits sun_path */
static struct event_base *base;

/* What the callback saw. */
static size_t		 ngot, want;
static char		*got[16];
static size_t		 gotlen[16];

static void
on_dgram(const char *buf, size_t len, void *arg)
{
	if (ngot < 16) {
		got[ngot] = xmalloc(len + 1);
		memcpy(got[ngot], buf, len + 1);	/* the NUL too */
		gotlen[ngot] = len;
	}
	if (++ngot >= want)
		event_base_loopbreak(base);
}

static void
reset(void)
{
	size_t	i;

	for (i = 0; i < ngot && i < 16; i++)
		free(got[i]);
	ngot = want = 0;
	(void)unlink(path);
}

static int
send_to(const void *buf, size_t len)
{
	struct sockaddr_un	sun;
	int			fd, sz = 1 << 20;
	ssize_t			r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	r = sendto(fd, buf, len, 0, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return r == (ssize_t)len ? 0 : -1;
}

/* Run the loop until want datagrams came, 5 s at most. */
static void
run(size_t n)
{
	struct timeval	tv = { 5, 0 };

	want = n;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* A socket bound at path, of type type; listening if a stream. */
static int
bound(int type)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, type, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	if (type == SOCK_STREAM && listen(fd, 1) == -1)
		return -1;
	return fd;
}

static void
test_order(void **state)
{
	struct collector	*co;
	char			*cause = NULL;
	const char		*msgs[] = { "{\"d\": \"a.example\"}", "x", "" };
	struct stat		 st;
	size_t			 i;

	reset();
	co = collector_new(base, path, 0620, (gid_t)-1, on_dgram, NULL,
	    &cause);
	assert_non_null(co);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0620);
	for (i = 0; i < 3; i++)
		assert_int_equal(send_to(msgs[i], strlen(msgs[i])), 0);
	run(3);
	assert_int_equal(ngot, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(gotlen[i], strlen(msgs[i]));
		assert_string_equal(got[i], msgs[i]);	/* NUL-terminated */
	}
	assert_int_equal(collector_stats(co)->datagrams, 3);
	assert_int_equal(collector_stats(co)->oversized, 0);
	collector_free(co);
	assert_int_equal(stat(path, &st), -1);	/* unlinked */
	reset();
}

static void
test_oversized(void **state)
{
	struct collector	*co;
	char			*cause = NULL, *big;
	size_t			 n = COLLECTOR_DGRAM_MAX + 1000;

	reset();
	co = collector_new(base, path, 0600, (gid_t)-1, on_dgram, NULL,
	    &cause);
	assert_non_null(co);
	big = xmalloc(n);
	memset(big, '{', n);
	assert_int_equal(send_to(big, n), 0);
	assert_int_equal(send_to(big, COLLECTOR_DGRAM_MAX), 0);
	assert_int_equal(send_to("after", 5), 0);
	run(2);
	/* The oversized one never reached the callback; the others did. */
	assert_int_equal(ngot, 2);
	assert_int_equal(gotlen[0], COLLECTOR_DGRAM_MAX);
	assert_string_equal(got[1], "after");
	assert_int_equal(collector_stats(co)->oversized, 1);
	assert_int_equal(collector_stats(co)->datagrams, 2);
	free(big);
	collector_free(co);
	reset();
}

/* What is at the path before collector_new(). */
enum before { B_STALE, B_LIVE_DGRAM, B_LIVE_STREAM, B_FILE, B_LONG };

struct bind_case {
	const char	*label;
	enum before	 before;
	int		 ok;		/* collector_new() succeeds */
	const char	*cause;		/* in the error */
};

static const struct bind_case bind_cases[] = {
	{ "a stale socket (nobody bound) is replaced", B_STALE, 1, NULL },
	{ "a live collector's socket is refused", B_LIVE_DGRAM, 0,
	    "in use by a running server" },
	{ "a live stream socket (a socketmap) is refused, not unlinked",
	    B_LIVE_STREAM, 0, "in use" },
	{ "a regular file is refused and left alone", B_FILE, 0,
	    "not a socket" },
	{ "a path longer than sun_path is refused", B_LONG, 0, "too long" },
};

static void
test_bind(void **state)
{
	const struct bind_case	*c = *state;
	struct collector	*co;
	struct stat		 st;
	char			*cause = NULL, longpath[200];
	const char		*p = path;
	int			 fd = -1;

	reset();
	switch (c->before) {
	case B_STALE:
		assert_true((fd = bound(SOCK_DGRAM)) != -1);
		close(fd);
		fd = -1;
		break;
	case B_LIVE_DGRAM:
		assert_true((fd = bound(SOCK_DGRAM)) != -1);
		break;
	case B_LIVE_STREAM:
		assert_true((fd = bound(SOCK_STREAM)) != -1);
		break;
	case B_FILE:
		assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) != -1);
		close(fd);
		fd = -1;
		break;
	case B_LONG:
		memset(longpath, 'x', sizeof(longpath) - 1);
		longpath[0] = '/';
		longpath[sizeof(longpath) - 1] = '\0';
		p = longpath;
		break;
	}
	co = collector_new(base, p, 0600, (gid_t)-1, on_dgram, NULL, &cause);
	if (c->ok) {
		assert_non_null(co);
		assert_int_equal(send_to("hi", 2), 0);
		run(1);
		assert_int_equal(ngot, 1);
		collector_free(co);
	} else {
		assert_null(co);
		assert_non_null(cause);
		assert_non_null(strstr(cause, c->cause));
		free(cause);
		/* Whatever was there is still there. */
		if (c->before != B_LONG) {
			assert_int_equal(lstat(path, &st), 0);
			assert_true(c->before == B_FILE ? S_ISREG(st.st_mode) :
			    S_ISSOCK(st.st_mode));
		}
	}
	if (fd != -1)
		close(fd);
	reset();
}

int
main(void)
{
	static struct table_tests tt;
	int			  rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/tlsrpt.sock", dir);
	if ((base = event_base_new()) == NULL)
		return 1;
	table_add_fn(&tt, "datagrams arrive whole, in order, NUL-terminated; "
	    "mode applied; unlinked at free", test_order);
	table_add_fn(&tt, "an oversized datagram is counted and dropped, the "
	    "next ones arrive", test_oversized);
	TABLE_ADD(&tt, bind_cases, test_bind);
	rc = table_run("collector", &tt);
	(void)unlink(path);
	(void)rmdir(dir);
	event_base_free(base);
	return rc;
}
