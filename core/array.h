/* Growable arrays: ALC_PUSH appends one element to a (pointer, count) pair. */
#ifndef ALC_ARRAY_H
#define ALC_ARRAY_H

#include <errno.h>
#include <stdlib.h>

/* Appends value to the array ptr of n elements; evaluates to 0 or -ENOMEM. */
#define ALC_PUSH(ptr, n, value)                                                                    \
	({                                                                                         \
		__typeof__(ptr) _np = realloc((ptr), ((n) + 1) * sizeof(*(ptr)));                  \
		int _r = -ENOMEM;                                                                  \
		if (_np) {                                                                         \
			(ptr) = _np;                                                               \
			(ptr)[(n)++] = (value);                                                    \
			_r = 0;                                                                    \
		}                                                                                  \
		_r;                                                                                \
	})

#endif
