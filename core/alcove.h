/* libalcove's public header: includes every public module of the library.
 * Link with `pkg-config --libs libalcove`. */
#ifndef ALCOVE_H
#define ALCOVE_H

#include "caps.h"
#include "cglayout.h"
#include "cglimits.h"
#include "cgroup.h"
#include "cleanup.h"
#include "clone3.h"
#include "container.h"
#include "err.h"
#include "fileio.h"
#include "rootfs.h"
#include "spawn.h"
#include "spec.h"
#include "units.h"
#include "psi.h"
#include "writer.h"

#endif
