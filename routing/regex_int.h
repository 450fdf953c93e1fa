/*
 * regex_int: what routing/regex.c (the RE2 parser, PCRE2 matching) and
 * routing/regex_vm.c (the linear-time fallback matcher) share: the parse
 * tree of a Go regular expression.  Internal to routing/regex; include
 * routing/regex.h instead.
 *
 * A tree holds Go's semantics after parsing: literals carry the (?i) flag
 * of where they were written, classes their items as written (ranges,
 * with Perl and POSIX groups already expanded, folded and negated as Go
 * does; Unicode properties by index: 0 Any, then Go's categories, then
 * Go's scripts, in the order of regex_tables.inc).  Thread: any (trees
 * are not shared).
 */
#ifndef ALERTD_ROUTING_REGEX_INT_H
#define ALERTD_ROUTING_REGEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse flags (Go's syntax.Flags that matter here). */
#define RF_FOLD		0x01u	/* (?i) */
#define RF_ONELINE	0x02u	/* cleared by (?m) */
#define RF_DOTNL	0x04u	/* (?s) */
#define RF_NONGREEDY	0x08u	/* (?U): irrelevant to whether it matches */

enum rop {
	ROP_NOMATCH, ROP_EMPTY, ROP_LIT, ROP_CLASS, ROP_ANYNL, ROP_ANY,
	ROP_BOL, ROP_EOL, ROP_BOT, ROP_EOT, ROP_WORDB, ROP_NWORDB,
	ROP_CAPTURE, ROP_STAR, ROP_PLUS, ROP_QUEST, ROP_REPEAT,
	ROP_CONCAT, ROP_ALT,
	ROP_LPAREN,		/* parse-stack markers from here on */
	ROP_VBAR
};

enum { CI_RANGE, CI_PROP };

struct citem {
	int		kind;
	bool		neg;		/* CI_PROP: \P */
	int		prop;		/* CI_PROP: index, see prop_name() */
	uint32_t	lo, hi;		/* CI_RANGE */
};

struct rnode {
	enum rop	  op;
	unsigned	  flags;	/* flags in effect at creation */
	int		  min, max;	/* ROP_REPEAT; max -1: unbounded */
	int		  cap;		/* ROP_LPAREN: capture number, 0: (?: */
	int		  height;
	int64_t		  size;		/* lower bound of Go's size, -1 */
	bool		  neg;		/* ROP_CLASS: [^...] */
	uint32_t	 *runes;	/* ROP_LIT */
	size_t		  nrunes, arunes;
	struct citem	 *items;	/* ROP_CLASS */
	size_t		  nitems, aitems;
	struct rnode	**sub;
	size_t		  nsub, asub;
};

/*
 * The fallback matcher: a Thompson NFA simulation over the tree (Go's own
 * algorithm), linear in pattern size times subject length whatever the
 * pattern, with Go's Unicode 13 tables.  regex_vm_build copies what it
 * needs (the tree can be freed); the program is immutable and shared.
 */
struct regex_vm;

struct regex_vm	*regex_vm_build(const struct rnode *root);
void		 regex_vm_free(struct regex_vm *vm);		/* NULL ok */
/* Does the program match somewhere in s (UTF-8, bad bytes as U+FFFD)? */
bool		 regex_vm_match(const struct regex_vm *vm, const char *s,
		    size_t len);
/* Frees the calling thread's matcher state. */
void		 regex_vm_thread_cleanup(void);

/* For tests: regex_match through the fallback matcher only. */
struct regex;
bool		 regex_match_vm(const struct regex *re, const char *s,
		    size_t len);

#endif
