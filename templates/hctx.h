/*
 * hctx: html/template's escaping contexts (Go 1.19.8 context.go), shared
 * by the context machine (hctx.c), the escaper (hescape.c) and the
 * escaping functions (hfuncs.c).  Internal to templates/.
 */
#ifndef ALERTD_TEMPLATES_HCTX_H
#define ALERTD_TEMPLATES_HCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "templates/tmpl_priv.h"

struct buf;

enum hstate {
	ST_TEXT, ST_TAG, ST_ATTRNAME, ST_AFTERNAME, ST_BEFOREVALUE, ST_HTMLCMT,
	ST_RCDATA, ST_ATTR, ST_URL, ST_SRCSET, ST_JS, ST_JSDQSTR, ST_JSSQSTR,
	ST_JSBQSTR, ST_JSREGEXP, ST_JSBLOCKCMT, ST_JSLINECMT, ST_CSS,
	ST_CSSDQSTR, ST_CSSSQSTR, ST_CSSDQURL, ST_CSSSQURL, ST_CSSURL,
	ST_CSSBLOCKCMT, ST_CSSLINECMT, ST_ERROR, ST_DEAD
};
enum { DL_NONE, DL_DOUBLEQUOTE, DL_SINGLEQUOTE, DL_SPACEORTAGEND };
enum { UP_NONE, UP_PREQUERY, UP_QUERYORFRAG, UP_UNKNOWN };
enum { JC_REGEXP, JC_DIVOP, JC_UNKNOWN };
enum { AT_NONE, AT_SCRIPT, AT_SCRIPTTYPE, AT_STYLE, AT_URL, AT_SRCSET };
enum { EL_NONE, EL_SCRIPT, EL_STYLE, EL_TEXTAREA, EL_TITLE };
enum { CT_PLAIN, CT_CSS, CT_HTML, CT_HTMLATTR, CT_JS, CT_JSSTR, CT_URL,
	CT_SRCSET, CT_UNSAFE };
enum { HE_OK, HE_AMBIGCONTEXT, HE_BADHTML, HE_BRANCHEND, HE_ENDCONTEXT,
	HE_NOSUCHTEMPLATE, HE_OUTPUTCONTEXT, HE_PARTIALCHARSET,
	HE_PARTIALESCAPE, HE_RANGELOOPREENTRY, HE_SLASHAMBIG,
	HE_PREDEFINEDESCAPER, HE_JSTMPLLIT };

/* html/template.Error. */
struct herr {
	int			 code;
	const struct tnode	*node;
	char			 name[128];
	int			 line;
	char			 desc[1536];
};

struct hctx {
	uint8_t			 state, delim, urlpart, jsctx, attr, element;
	const struct tnode	*n;		/* break/continue node */
	struct herr		*err;
};

bool	hctx_eq(const struct hctx *a, const struct hctx *b);
/* context.String(): {stateText delimNone ... <nil>} */
void	hctx_string(struct buf *b, const struct hctx *c);
/* context.mangle(name). */
void	hctx_mangle(struct buf *b, const struct hctx *c, const char *name);
/* Error.Error(). */
void	herr_string(struct buf *b, const struct herr *e);
bool	hstate_is_comment(int s);
bool	hstate_in_tag(int s);

extern const int hattr_start_states[];

/* One transition step from c over s[0..n); returns bytes consumed. */
size_t	htransition(struct hctx *c, const char *s, size_t n,
	    struct tarena *a);
/* tSpecialTagEnd. */
size_t	ht_special_tag_end(struct hctx *c, const char *s, size_t n);
int	hattr_type(const char *name, size_t n);
bool	hcss_is_nmchar(uint32_t r);
/* decodeCSS. */
void	hcss_decode(struct buf *b, const char *s, size_t n);
bool	hjs_is_ident_part(uint32_t r);
bool	hjs_is_type(const char *s, size_t n);
/* Index of the first byte of s[0..n) in reject (n if none). */
size_t	strcspn_n(const char *s, size_t n, const char *reject);
/* html.UnescapeString (numeric and common named references). */
void	hhtml_unescape(struct buf *b, const char *s, size_t n);

#endif
