/*
 * UTF-8 decoding with Go's rules (see utf8.h): overlong forms, surrogates
 * and code points past U+10FFFF are invalid.
 */
#include "alertd/utf8.h"

int
utf8_decode(const unsigned char *s, size_t len, uint32_t *r)
{
	uint32_t	c = s[0], min;
	int		n, i;

	if (c < 0x80) {
		*r = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else
		goto bad;
	if (len < (size_t)n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*r = c;
	return n;
bad:
	*r = 0xfffd;
	return -1;
}

int
utf8_encode(uint32_t r, char *out)
{
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xc0 | (r >> 6));
		out[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xe0 | (r >> 12));
		out[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		out[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (r >> 18));
	out[1] = (char)(0x80 | ((r >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((r >> 6) & 0x3f));
	out[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	r;
	size_t		i = 0;
	int		n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &r);
		if (n < 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

size_t
utf8_runecount(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	r;
	size_t		i = 0, count = 0;
	int		n;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &r);
		i += n < 0 ? 1 : (size_t)n;
		count++;
	}
	return count;
}

bool
utf8_isprint(uint32_t r)
{
	static const struct { uint32_t lo, hi; } nonprint[] = {
		{ 0x0000, 0x001f }, { 0x007f, 0x00a0 }, { 0x00ad, 0x00ad },
		{ 0x0600, 0x0605 }, { 0x061c, 0x061c }, { 0x06dd, 0x06dd },
		{ 0x070f, 0x070f }, { 0x180e, 0x180e }, { 0x2000, 0x200f },
		{ 0x2028, 0x202f }, { 0x205f, 0x206f }, { 0x3000, 0x3000 },
		{ 0xd800, 0xf8ff }, { 0xfdd0, 0xfdef }, { 0xfeff, 0xfeff },
		{ 0xfff0, 0xfffb }, { 0xfffe, 0xffff }, { 0xe0000, 0xe0fff },
		{ 0xf0000, 0x10ffff },
	};
	size_t	i;

	if (r >= 0x20 && r < 0x7f)
		return true;
	for (i = 0; i < sizeof(nonprint) / sizeof(nonprint[0]); i++)
		if (r >= nonprint[i].lo && r <= nonprint[i].hi)
			return false;
	return r <= 0x10ffff;
}
