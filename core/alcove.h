/* libalcove's public header: includes every public module of the library.
 * Link with `pkg-config --libs libalcove`. */
#ifndef ALCOVE_H
#define ALCOVE_H

#include "cglayout.h"
#include "cleanup.h"
#include "clone3.h"
#include "err.h"
#include "fileio.h"
#include "psi.h"
#include "writer.h"

#endif
