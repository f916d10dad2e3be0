/*
 * postconf.c: run "postconf -h smtp_dns_support_level" and read its line.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "postconf.h"

#ifndef POSTCONF_PATH
#define POSTCONF_PATH	"/usr/sbin/postconf"
#endif

extern char **environ;

int
postconf_dnssec(const char **why)
{
	static char			 msg[160];
	posix_spawn_file_actions_t	 fa;
	char				*argv[] = { "postconf", "-h",
					    "smtp_dns_support_level", NULL };
	char				 out[128];
	size_t				 have = 0;
	ssize_t				 n;
	pid_t				 pid;
	int				 p[2], st, rc;

	*why = msg;
	if (pipe(p) == -1) {
		snprintf(msg, sizeof(msg), "postconf: pipe: %s",
		    strerror(errno));
		return 0;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	rc = posix_spawn(&pid, POSTCONF_PATH, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(msg, sizeof(msg), "cannot run %s: %s", POSTCONF_PATH,
		    strerror(rc));
		return 0;
	}
	while (have < sizeof(out) - 1 &&
	    ((n = read(p[0], out + have, sizeof(out) - 1 - have)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	out[have] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(msg, sizeof(msg), "postconf failed (is Postfix "
		    "configured?)");
		return 0;
	}
	if (strcmp(out, "dnssec") != 0) {
		snprintf(msg, sizeof(msg), "Postfix has smtp_dns_support_level "
		    "= %.40s, not dnssec", out[0] != '\0' ? out : "(empty)");
		return 0;
	}
	snprintf(msg, sizeof(msg), "Postfix has smtp_dns_support_level = "
	    "dnssec");
	return 1;
}
