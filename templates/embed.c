/*
 * The default templates (templates/default.tmpl, templates/email.tmpl),
 * embedded in the binary with the assembler's .incbin: the files stay
 * readable next to the code.  The Makefile makes this object depend on
 * them.  Each is followed by a NUL byte; the lengths exclude it.
 */
#include <stddef.h>

extern const char	tmpl_embed_default[], tmpl_embed_email[];
extern const size_t	tmpl_embed_default_len, tmpl_embed_email_len;

__asm__(
	"	.section .rodata\n"
	"	.balign 8\n"
	"	.global tmpl_embed_default_len\n"
	"tmpl_embed_default_len:\n"
	"	.quad 2f - 1f\n"
	"	.global tmpl_embed_email_len\n"
	"tmpl_embed_email_len:\n"
	"	.quad 4f - 3f\n"
	"	.global tmpl_embed_default\n"
	"tmpl_embed_default:\n"
	"1:	.incbin \"templates/default.tmpl\"\n"
	"2:	.byte 0\n"
	"	.global tmpl_embed_email\n"
	"tmpl_embed_email:\n"
	"3:	.incbin \"templates/email.tmpl\"\n"
	"4:	.byte 0\n"
	"	.previous\n");
