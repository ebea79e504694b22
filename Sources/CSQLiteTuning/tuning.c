#include "CSQLiteTuning.h"
#include <sqlite3.h>

int fs_sqlite_prefer_multithread(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc == SQLITE_OK) {
        rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
    return rc;
}
