/*
 * privdrop.h: resolve the daemon's user and group, prepare its directories
 * and give up root for good (STYLE.md §14; Unbound daemon/unbound.c,
 * Postfix chroot_uid.c).  Called only at startup, before the event loop.
 */
#ifndef MTASTS_PRIVDROP_H
#define MTASTS_PRIVDROP_H

#include <sys/types.h>

/* Look up a user; fills uid and its primary gid.  0, or -1 and *cause. */
int	privdrop_user(const char *name, uid_t *uid, gid_t *gid, char **cause);

/* Look up a group.  0, or -1 and *cause. */
int	privdrop_group(const char *name, gid_t *gid, char **cause);

/*
 * Make sure dir exists: create it with mode and give it to uid:gid if it
 * does not (uid -1: keep the creator).  An existing dir is left alone.
 * 0, or -1 and *cause.
 */
int	privdrop_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid,
	    char **cause);

/*
 * Become uid:gid with no supplementary groups, then check that root cannot
 * be regained.  0, or -1 and *cause.
 */
int	privdrop_drop(uid_t uid, gid_t gid, char **cause);

#endif /* MTASTS_PRIVDROP_H */
