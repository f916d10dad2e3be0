/*
 * ctl.h: what mtasts-ctl's command files share.  Not a library API.
 *
 * Exit codes (documented in mtasts-ctl(8)).
 */
#ifndef MTASTS_CTL_H
#define MTASTS_CTL_H

#define EXIT_NOTFOUND	1	/* query NOTFOUND; show/purge: not cached */
#define EXIT_ANSWER	2	/* query TEMP/PERM; refresh failed */
#define EXIT_DAEMON	3	/* daemon not running or not answering */
#define EXIT_CACHE	4	/* no cache yet, or the cache is unreadable */
#define EXIT_DENIED	5	/* permission denied */
#define EXIT_USAGE	64
#define EXIT_CONFIG	78

struct conf;

struct ctl {
	const char	*conf_path;
	int		 conf_explicit;
	struct conf	*conf;		/* loaded on first use */
	const char	*socket;	/* -s */
	const char	*cache_dir;	/* -d, else conf */
	const char	*map;		/* -m */
	int		 json;		/* dump --json */
};

/* The configuration (exits with EXIT_CONFIG on errors). */
const struct conf *ctl_conf(struct ctl *);

/* The commands that read or write the cache (ctl_cache.c). */
int	cmd_list(struct ctl *, char **);
int	cmd_show(struct ctl *, char **);
int	cmd_stats(struct ctl *, char **);
int	cmd_dump(struct ctl *, char **);
int	cmd_purge(struct ctl *, char **);
int	cmd_report(struct ctl *, char **);

/* The cache, or NULL with *rc an exit code (the error is printed). */
struct cache;
struct cache *ctl_open_cache(struct ctl *, int flags, int *rc);

/*
 * Send "MTASTS1 <request>" on the control socket and read the reply line
 * into buf.  Returns 0 with the reply, or an EXIT_* code after printing
 * why (quiet: print nothing).
 */
int	ctl_control(struct ctl *, const char *request, char *buf, size_t size,
	    int quiet);

#endif /* MTASTS_CTL_H */
