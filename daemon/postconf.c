/*
 * postconf.c: run "postconf -h PARAMETER" and read its line: DNSSEC
 * support (DANE-13) and TLSRPT (DEC-31).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdint.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "postconf.h"

#ifndef POSTCONF_PATH
#define POSTCONF_PATH	"/usr/sbin/postconf"
#endif

extern char **environ;

/*
 * "postconf -h name" into out (first line, NUL-terminated).  Returns 0, or
 * -1 with msg saying why.  stderr is left alone: an unknown parameter is
 * a warning there and an empty line here.
 */
static int
postconf_get(const char *name, char *out, size_t size, char *msg,
    size_t msgsize)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[] = { "postconf", "-h", NULL,
					    NULL };
	size_t				 have = 0;
	ssize_t				 n;
	pid_t				 pid;
	int				 p[2], st, rc;

	argv[2] = (char *)(uintptr_t)name;
	if (pipe(p) == -1) {
		snprintf(msg, msgsize, "postconf: pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	rc = posix_spawn(&pid, POSTCONF_PATH, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(msg, msgsize, "cannot run %s: %s", POSTCONF_PATH,
		    strerror(rc));
		return -1;
	}
	while (have < size - 1 &&
	    ((n = read(p[0], out + have, size - 1 - have)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	out[have] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(msg, msgsize, "postconf failed (is Postfix "
		    "configured?)");
		return -1;
	}
	return 0;
}

int
postconf_dnssec(const char **why)
{
	static char	msg[160];
	char		out[128];

	*why = msg;
	if (postconf_get("smtp_dns_support_level", out, sizeof(out), msg,
	    sizeof(msg)) == -1)
		return 0;
	if (strcmp(out, "dnssec") != 0) {
		snprintf(msg, sizeof(msg), "Postfix has smtp_dns_support_level "
		    "= %.40s, not dnssec", out[0] != '\0' ? out : "(empty)");
		return 0;
	}
	snprintf(msg, sizeof(msg), "Postfix has smtp_dns_support_level = "
	    "dnssec");
	return 1;
}

int
postconf_tlsrpt(const char **why)
{
	static char	msg[160];
	char		out[128];

	*why = msg;
	if (postconf_get("smtp_tlsrpt_enable", out, sizeof(out), msg,
	    sizeof(msg)) == -1)
		return 0;
	if (strcmp(out, "yes") != 0) {
		snprintf(msg, sizeof(msg), "Postfix has smtp_tlsrpt_enable = "
		    "%.40s", out[0] != '\0' ? out : "(unknown: before 3.10)");
		return 0;
	}
	snprintf(msg, sizeof(msg), "Postfix has smtp_tlsrpt_enable = yes");
	return 1;
}
