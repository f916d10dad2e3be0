/*
 * test_sockmap.c: the socketmap server with real Unix sockets and an
 * asynchronous answerer, as the resolution engine will be: answers that
 * come later, clients that leave before their answer, pipelined requests,
 * replies the client does not read, and draining (PF-SM-10/11/12).
 * ASan turns any use of a freed connection into a failure.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "tabletest.h"
#include "answer.h"
#include "log.h"
#include "netstring.h"
#include "sockmap.h"

struct pending {
	struct sockmap_conn	*conn;
	char			 key[64];
	int			 alive_at_reply;
};

static struct event_base	*base;
static struct sockmap		*sm;
static char			 path[108];
static int			 delay_ms = 50;
static int			 replies_sent;
static int			 last_alive = -1;

static void
answer_later(evutil_socket_t fd, short what, void *arg)
{
	struct pending	*p = arg;
	struct answer	 a;
	char		 text[128];

	last_alive = sockmap_conn_alive(p->conn);
	snprintf(text, sizeof(text), "secure match=%s", p->key);
	a.status = ANSWER_OK;
	a.source = ANSWER_SRC_CACHE;
	a.text = text;
	a.len = strlen(text);
	sockmap_reply(p->conn, &a);
	replies_sent++;
	free(p);
}

static void
on_request(struct sockmap_conn *c, int profile, const char *key,
    size_t keylen, void *arg)
{
	struct pending	*p = calloc(1, sizeof(*p));
	struct timeval	 tv = { 0, delay_ms * 1000 };

	p->conn = c;
	snprintf(p->key, sizeof(p->key), "%.*s", (int)keylen, key);
	event_base_once(base, -1, EV_TIMEOUT, answer_later, p, &tv);
}

static int
setup(void **state)
{
	char	*cause = NULL;

	base = event_base_new();
	sm = sockmap_new(base, on_request, NULL, 16, 1);
	snprintf(path, sizeof(path), "/tmp/test_sockmap.%d.sock",
	    (int)getpid());
	assert_int_equal(sockmap_listen_unix(sm, path, 0600, (gid_t)-1,
	    &cause), 0);
	replies_sent = 0;
	last_alive = -1;
	delay_ms = 50;
	return 0;
}

static int
teardown(void **state)
{
	/* Let every scheduled answer go out before freeing. */
	while (sockmap_pending(sm) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	sockmap_free(sm);
	event_base_free(base);
	unlink(path);
	return 0;
}

static int
client(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	return fd;
}

static void
send_req(int fd, const char *req)
{
	char	hdr[NETSTRING_HEADER_MAX];
	size_t	h = netstring_header(hdr, strlen(req));

	assert_int_equal(write(fd, hdr, h), (ssize_t)h);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	assert_int_equal(write(fd, ",", 1), 1);
}

/* Run the loop for ms milliseconds. */
static void
run_for(int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Run the loop until fd is readable (at most 3 s), then read a reply. */
static void
read_reply(int fd, const char *want)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 buf[512];
	const char	*payload, *why;
	size_t		 have = 0, plen, used;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < 300; i++) {
		if (poll(&pfd, 1, 0) == 1) {
			n = read(fd, buf + have, sizeof(buf) - have);
			assert_true(n > 0);
			have += (size_t)n;
			if (netstring_decode(buf, have, sizeof(buf), &payload,
			    &plen, &used, &why) == NETSTRING_FRAME) {
				assert_int_equal(plen, strlen(want));
				assert_memory_equal(payload, want, plen);
				/* Nothing else may have arrived glued on. */
				assert_int_equal(used, have);
				return;
			}
		}
		run_for(10);
	}
	fail_msg("no reply \"%s\"", want);
}

static void
test_async_reply(void **state)
{
	int	fd = client();

	send_req(fd, "postfix a.example");
	read_reply(fd, "OK secure match=a.example");
	assert_int_equal(last_alive, 1);
	/* The connection serves the next request (PF-SM-10). */
	send_req(fd, "postfix-tlsrpt b.example");
	read_reply(fd, "OK secure match=b.example");
	close(fd);
}

/* PF-SM-11: a client may go away at any time, even before its answer. */
static void
test_client_leaves(void **state)
{
	int	fd = client();

	send_req(fd, "postfix gone.example");
	run_for(10);			/* the request is dispatched */
	close(fd);
	run_for(150);			/* the answer comes later */
	assert_int_equal(replies_sent, 1);
	assert_int_equal(last_alive, 0);
	assert_int_equal(sockmap_stats(sm)->open, 0);
	assert_int_equal(sockmap_pending(sm), 0);
}

/* Pipelined requests are answered one at a time, in order. */
static void
test_pipelined(void **state)
{
	int	fd = client();
	char	buf[256];
	int	n;

	n = snprintf(buf, sizeof(buf), "%s", "19:postfix one.example,"
	    "19:postfix two.example,21:postfix three.example,");
	assert_int_equal(write(fd, buf, (size_t)n), n);
	read_reply(fd, "OK secure match=one.example");
	read_reply(fd, "OK secure match=two.example");
	read_reply(fd, "OK secure match=three.example");
	close(fd);
}

/* PF-SM-12: a malformed frame while an answer is pending. */
static void
test_garbage_while_busy(void **state)
{
	int	fd = client();

	send_req(fd, "postfix a.example");
	assert_int_equal(write(fd, "xyz:", 4), 4);
	read_reply(fd, "OK secure match=a.example");
	run_for(50);
	assert_int_equal(sockmap_stats(sm)->bad_frames, 1);
	assert_int_equal(sockmap_stats(sm)->open, 0);
	close(fd);
}

/* A client that never reads loses its connection after idle_timeout. */
static void
test_unread_replies(void **state)
{
	char	frames[23 * 2000];
	int	fd = client(), i, fl;
	ssize_t	n;

	delay_ms = 0;
	for (i = 0; i < 2000; i++)
		memcpy(frames + 23 * i, "19:postfix example.net,", 23);
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	/* Write what fits, let the server work, repeat; never read. */
	for (i = 0; i < 200; i++) {
		n = write(fd, frames, sizeof(frames));
		if (n == -1 && errno != EAGAIN)
			break;
		run_for(20);
		if (sockmap_stats(sm)->open == 0)
			break;
	}
	run_for(2100);
	assert_int_equal(sockmap_stats(sm)->open, 0);
	assert_true(sockmap_stats(sm)->idle_closed >= 1);
	close(fd);
}

/* Draining: answers in flight still go out; no new connections. */
static void
test_stop(void **state)
{
	struct sockaddr_un	sun;
	int			fd = client(), fd2;

	send_req(fd, "postfix late.example");
	run_for(10);
	sockmap_stop(sm);
	read_reply(fd, "OK secure match=late.example");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd2 = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd2, (struct sockaddr *)&sun, sizeof(sun)),
	    -1);
	close(fd2);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		{ "PF-SM-10 an answer that comes later reaches the client",
		    test_async_reply, setup, teardown, NULL },
		{ "PF-SM-11 a client leaving before its answer is harmless",
		    test_client_leaves, setup, teardown, NULL },
		{ "PF-SM-10 pipelined requests answered one by one, in order",
		    test_pipelined, setup, teardown, NULL },
		{ "PF-SM-12 a malformed frame behind a pending request",
		    test_garbage_while_busy, setup, teardown, NULL },
		{ "a client that never reads is closed after idle_timeout",
		    test_unread_replies, setup, teardown, NULL },
		{ "draining answers requests in flight, refuses new clients",
		    test_stop, setup, teardown, NULL },
	};

	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0, "test_sockmap");
	return cmocka_run_group_tests_name("sockmap", tests, NULL, NULL);
}
