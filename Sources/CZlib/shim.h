/* zlib through the system's zlib1g-dev (Debian) or the SDK (macOS): gunzip for IDX files. */
#include <zlib.h>
