#include "../ck_internal.h"
const ck_config *ck_config_neon(void) { return 0; }
