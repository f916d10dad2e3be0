/*
 * control.h: the daemon's control socket, for mtasts-ctl.
 *
 * One request per connection, one line: "MTASTS1 <command> [arg]\n"; one
 * reply: "OK <text>\n" or "ERR <reason>\n", then the daemon closes.  Only
 * root and the daemon's own user are served: the peer's uid is checked
 * with SO_PEERCRED, so the socket's mode is not the only guard (STYLE.md
 * §14, OpenSMTPD control.c, Unbound's UBCT magic).
 *
 * Commands: "ping"; "refresh DOMAIN" (fetch now, ignoring the backoff);
 * "stats" (key=value counters, space-separated); "dane" ("on: why" or
 * "off: why").
 */
#ifndef MTASTS_CONTROL_H
#define MTASTS_CONTROL_H

#include <sys/types.h>

#define CONTROL_MAGIC		"MTASTS1"
#define CONTROL_LINE_MAX	512

struct control;
struct event_base;
struct lookup;
struct sockmap;

/*
 * Listen on path (replacing a stale socket, refusing a live one), mode
 * 0660, group gid (-1: leave).  Returns NULL with *cause on failure.
 */
struct control	*control_new(struct event_base *, const char *path, gid_t gid,
		    char **cause);

/* What the commands act on; set before the loop runs. */
void		 control_attach(struct control *, struct lookup *,
		    struct sockmap *);

/* Close, unlink the socket, free; replies in flight are dropped. */
struct reporter;
struct collector_stats;
void		 control_set_reporter(struct control *, struct reporter *,
		    const struct collector_stats *);
void		 control_free(struct control *);

#endif /* MTASTS_CONTROL_H */
