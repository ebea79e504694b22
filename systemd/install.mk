# install.mk — `make install` / `make uninstall` for fieldsync.
#
# Included by the top-level Makefile; also usable on its own from the repo root:
#     make -f systemd/install.mk install DESTDIR=/tmp/stage
#
# Variables (override on the command line):
#   DESTDIR      staging root for packagers; nothing is started or reloaded when set
#   PREFIX       /usr/local
#   BINDIR       $(PREFIX)/bin
#   SYSCONFDIR   /etc                     (config goes to $(SYSCONFDIR)/fieldsync/)
#   DOCDIR       $(PREFIX)/share/doc/fieldsync
#   UNITDIR      $(PREFIX)/lib/systemd/system
#   SYSUSERSDIR  $(PREFIX)/lib/sysusers.d
#   TMPFILESDIR  $(PREFIX)/lib/tmpfiles.d
#       systemd searches these three under /usr/local/lib and /usr/lib, so the
#       defaults work for PREFIX=/usr/local and PREFIX=/usr.  For any other PREFIX
#       (e.g. /opt/fieldsync) set UNITDIR=/etc/systemd/system
#       SYSUSERSDIR=/etc/sysusers.d TMPFILESDIR=/etc/tmpfiles.d.
#   BIN_SRC      directory holding already built fieldsync and fieldsync-central;
#                when set, install does not run `swift build` (fast; and lets you
#                build as yourself and install as root:
#                  swift build -c release
#                  sudo make install BIN_SRC=$(swift build -c release --show-bin-path))
#   SWIFT        swift

# Included from the top-level Makefile, this fragment must not become its default
# goal (plain `make` would run our release build): remember the goal, restore it
# at the end.
FS_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

# Where this fragment lives, before any other include changes MAKEFILE_LIST.
FS_SYSTEMD_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FS_ROOT_DIR    := $(patsubst %/,%,$(dir $(abspath $(FS_SYSTEMD_DIR))))

DESTDIR     ?=
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SYSCONFDIR  ?= /etc
DOCDIR      ?= $(PREFIX)/share/doc/fieldsync
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SWIFT       ?= swift
BIN_SRC     ?=
INSTALL     ?= install

FS_PRODUCTS := fieldsync fieldsync-central
FS_UNITS    := fieldsync.service fieldsync-central.service

# Recursive (=) on purpose: `swift build --show-bin-path` only runs if BIN_SRC is unset.
FS_BIN_SRC = $(if $(BIN_SRC),$(BIN_SRC),$(shell cd '$(FS_ROOT_DIR)' && $(SWIFT) build -c release --show-bin-path))

# The files in systemd/ carry the PREFIX=/usr/local, SYSCONFDIR=/etc paths so that
# they can be verified as they are; installing rewrites them.  The trailing slash
# keeps /etc/fieldsync/ from matching /etc/fieldsync-central/.
FS_SED = sed -e 's|/usr/local/bin/|$(BINDIR)/|g' \
             -e 's|/usr/local/share/doc/fieldsync|$(DOCDIR)|g' \
             -e 's|/etc/fieldsync/|$(SYSCONFDIR)/fieldsync/|g' \
             -e 's|/etc/fieldsync-central/|$(SYSCONFDIR)/fieldsync-central/|g'

# Reload/refuse only on the live system: not when staging, not in a container
# without systemd.
FS_LIVE = $(if $(DESTDIR),,$(wildcard /run/systemd/system))

.PHONY: install uninstall fieldsync-build

fieldsync-build:
ifeq ($(BIN_SRC),)
	cd '$(FS_ROOT_DIR)' && $(SWIFT) build -c release --product fieldsync
	cd '$(FS_ROOT_DIR)' && $(SWIFT) build -c release --product fieldsync-central
else
	@for p in $(FS_PRODUCTS); do \
	    test -x '$(BIN_SRC)'/$$p || { echo "install.mk: $(BIN_SRC)/$$p is missing or not executable" >&2; exit 1; }; \
	done
endif

install: fieldsync-build
	$(INSTALL) -d -m 0755 '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(UNITDIR)' \
	    '$(DESTDIR)$(SYSUSERSDIR)' '$(DESTDIR)$(TMPFILESDIR)' '$(DESTDIR)$(DOCDIR)'
	$(INSTALL) -m 0755 $(addprefix '$(FS_BIN_SRC)'/,$(FS_PRODUCTS)) '$(DESTDIR)$(BINDIR)/'
	@set -e; for u in $(FS_UNITS); do \
	    echo "  UNIT     $(DESTDIR)$(UNITDIR)/$$u"; \
	    $(FS_SED) '$(FS_SYSTEMD_DIR)'/$$u > '$(DESTDIR)$(UNITDIR)'/$$u.tmp; \
	    chmod 0644 '$(DESTDIR)$(UNITDIR)'/$$u.tmp; \
	    mv -f '$(DESTDIR)$(UNITDIR)'/$$u.tmp '$(DESTDIR)$(UNITDIR)'/$$u; \
	done
	@echo "  SYSUSERS $(DESTDIR)$(SYSUSERSDIR)/fieldsync.conf"
	@$(FS_SED) '$(FS_SYSTEMD_DIR)/fieldsync.sysusers' > '$(DESTDIR)$(SYSUSERSDIR)/fieldsync.conf'
	@echo "  TMPFILES $(DESTDIR)$(TMPFILESDIR)/fieldsync.conf"
	@$(FS_SED) '$(FS_SYSTEMD_DIR)/fieldsync.tmpfiles' > '$(DESTDIR)$(TMPFILESDIR)/fieldsync.conf'
	@echo "  DOC      $(DESTDIR)$(DOCDIR)/{README.md,fieldsync.toml.example,scheme-2026.toml.example}"
	@$(FS_SED) '$(FS_SYSTEMD_DIR)/fieldsync.toml' > '$(DESTDIR)$(DOCDIR)/fieldsync.toml.example'
	@$(INSTALL) -m 0644 '$(FS_ROOT_DIR)/fixtures/ningde/scheme-2026.toml' '$(DESTDIR)$(DOCDIR)/scheme-2026.toml.example'
	@$(INSTALL) -m 0644 '$(FS_SYSTEMD_DIR)/README.md' '$(DESTDIR)$(DOCDIR)/README.md'
	@chmod 0644 '$(DESTDIR)$(SYSUSERSDIR)/fieldsync.conf' '$(DESTDIR)$(TMPFILESDIR)/fieldsync.conf' \
	    '$(DESTDIR)$(DOCDIR)/fieldsync.toml.example'
	@# /etc/fieldsync is 0750 root:fieldsync once tmpfiles has run; create it
	@# root-only here so that the config is never briefly world-readable.
	$(INSTALL) -d -m 0750 '$(DESTDIR)$(SYSCONFDIR)/fieldsync'
	@# The receiver's token list, read only by systemd (LoadCredential=) as root.
	$(INSTALL) -d -m 0700 '$(DESTDIR)$(SYSCONFDIR)/fieldsync-central'
	@# Never overwrite an operator's config or scheme: install the examples only if absent.
	@set -e; for f in fieldsync.toml scheme-2026.toml; do \
	    if [ -e '$(DESTDIR)$(SYSCONFDIR)/fieldsync/'$$f ]; then \
	        echo "  KEEP     $(DESTDIR)$(SYSCONFDIR)/fieldsync/$$f (exists; new example in $(DOCDIR)/$$f.example)"; \
	    else \
	        echo "  CONFIG   $(DESTDIR)$(SYSCONFDIR)/fieldsync/$$f"; \
	        $(INSTALL) -m 0640 '$(DESTDIR)$(DOCDIR)/'$$f.example '$(DESTDIR)$(SYSCONFDIR)/fieldsync/'$$f; \
	    fi; \
	done
ifneq ($(FS_LIVE),)
	systemctl daemon-reload
endif
	@echo
	@echo "fieldsync installed$(if $(DESTDIR), under $(DESTDIR)). Nothing has been started. Next steps (as root):"
	@sed -n '/^<!-- steps -->$$/,/^<!-- end steps -->$$/p' '$(FS_SYSTEMD_DIR)/README.md' | grep '^    ' | \
	    sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/etc/fieldsync/|$(SYSCONFDIR)/fieldsync/|g'
	@echo "See $(DOCDIR)/README.md."

# Removes exactly what install put; never the config, the token, the state
# (/var/lib/fieldsync), the spool (/var/spool/fieldsync) or the users and groups.
uninstall:
ifneq ($(FS_LIVE),)
	@for u in $(FS_UNITS); do \
	    if systemctl -q is-active $$u || systemctl -q is-enabled $$u 2>/dev/null; then \
	        echo "install.mk: $$u is active or enabled; run 'systemctl disable --now $$u' first" >&2; exit 1; \
	    fi; \
	done
endif
	rm -f $(addprefix '$(DESTDIR)$(BINDIR)'/,$(FS_PRODUCTS))
	rm -f $(addprefix '$(DESTDIR)$(UNITDIR)'/,$(FS_UNITS))
	rm -f '$(DESTDIR)$(SYSUSERSDIR)/fieldsync.conf' '$(DESTDIR)$(TMPFILESDIR)/fieldsync.conf'
	rm -f '$(DESTDIR)$(DOCDIR)/README.md' '$(DESTDIR)$(DOCDIR)/fieldsync.toml.example' '$(DESTDIR)$(DOCDIR)/scheme-2026.toml.example'
	-rmdir '$(DESTDIR)$(DOCDIR)' 2>/dev/null
ifneq ($(FS_LIVE),)
	systemctl daemon-reload
endif
	@echo "fieldsync uninstalled. Kept: $(SYSCONFDIR)/fieldsync/ and $(SYSCONFDIR)/fieldsync-central/ (config, schemes, tokens),"
	@echo "/var/lib/fieldsync (store), /var/spool/fieldsync (drops), and the fieldsync users/groups."

.DEFAULT_GOAL := $(FS_SAVED_DEFAULT_GOAL)
