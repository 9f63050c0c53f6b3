# helpdeskd — build, test and run. `make demo` and `make test` are the two commands the README promises.

SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
SHAREDIR   := $(PREFIX)/share/helpdeskd
UNITDIR    ?= /etc/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
CONFDIR    ?= /etc/helpdeskd

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES := libcurl4-openssl-dev libssl-dev libsqlite3-dev libxml2-dev pkg-config dovecot-imapd python3-aiosmtpd \
                openssl systemd
# The staff workspace's browser tests (headless Chromium through Selenium) and its benchmark (wrk).
DEB_PACKAGES += chromium chromium-driver wrk
# Screenshots read by OCR: Tesseract 5 (C API) with its English, Russian, German, French and Spanish data.
DEB_PACKAGES += libtesseract-dev tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Release builds carry the Swift runtime and Foundation inside the binary: it runs on a server without the
# Swift toolchain, and maps less at startup (idle RSS 4–5 MB lower than with the shared libraries). Symbols
# are bound at startup so the relocation table can be read-only (full RELRO, Debian's hardening default).
RELEASE    := -c release --static-swift-stdlib -Xlinker -z -Xlinker now

.PHONY: all deps build release test demo lint install clean fuzz bench-parse bench deps-deb deb test-deb

# What `make deb` and `make test-deb` need besides `make deps`; kept apart so that `make deps` (CI's) stays fast.
DEB_TOOL_PACKAGES := dpkg-dev fakeroot lintian debootstrap binutils python3 man-db
# The package's version: the binary's own (Sources/Helpdesk/HelpdeskVersion.swift) unless given.
VERSION    ?= $(shell sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/Helpdesk/HelpdeskVersion.swift)
DEB_DIR    := .build-deb

all: build

## Installs the Debian packages that are missing (idempotent: does nothing when all are present).
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

## The tools of `make deb` and `make test-deb` (dpkg-dev, lintian, debootstrap…), when missing.
deps-deb:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_TOOL_PACKAGES)"

.PHONY: install-packages
install-packages:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q selenium \
	  || python3 -m pip install -q --break-system-packages selenium

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Tests/Torture/torture.py --short --bin "$$($(SWIFT) build --show-bin-path)/helpdeskd"
	Tests/Browser/workspace_test.py --bin "$$($(SWIFT) build --show-bin-path)/helpdeskd" --screenshots .build/web-screenshots

## Runs what exists of the main job on the samples (see README).
demo: deps
	$(SWIFT) build $(RELEASE) --product helpdeskd
	@Samples/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd"

lint:
	$(SWIFT) format lint -r Sources Tests Package.swift

## Installs the binary, the systemd unit and sysusers entry, the sample configuration (kept if present),
## the templates, and placeholder credential files (created only when missing, mode 0600).
install: release
	install -D -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd" "$(DESTDIR)$(BINDIR)/helpdeskd"
	install -D -m 0644 systemd/helpdeskd.service "$(DESTDIR)$(UNITDIR)/helpdeskd.service"
	install -m 0644 systemd/helpdeskd-backup.service systemd/helpdeskd-backup.timer "$(DESTDIR)$(UNITDIR)/"
	install -D -m 0644 systemd/helpdeskd.sysusers "$(DESTDIR)$(SYSUSERSDIR)/helpdeskd.conf"
	install -d -m 0750 "$(DESTDIR)$(CONFDIR)"
	[ -e "$(DESTDIR)$(CONFDIR)/helpdeskd.toml" ] || install -m 0640 Samples/helpdeskd.toml "$(DESTDIR)$(CONFDIR)/helpdeskd.toml"
	for secret in imap.secret smtp.secret imap.token; do \
	  [ -e "$(DESTDIR)$(CONFDIR)/$$secret" ] || install -m 0600 /dev/null "$(DESTDIR)$(CONFDIR)/$$secret"; \
	done
	[ -e "$(DESTDIR)$(CONFDIR)/hmac.key" ] || (umask 077 && head -c 32 /dev/urandom > "$(DESTDIR)$(CONFDIR)/hmac.key")
	install -d -m 0755 "$(DESTDIR)$(SHAREDIR)/templates"
	install -m 0644 Samples/templates/*.mustache "$(DESTDIR)$(SHAREDIR)/templates/"
	install -D -m 0644 README.md "$(DESTDIR)$(PREFIX)/share/doc/helpdeskd/README.md"

## libFuzzer with AddressSanitizer on the MIME parser for FUZZ_SECONDS; corpus and findings in .build-fuzz/.
FUZZ_SECONDS ?= 600
fuzz: deps
	Tests/Fuzz/run.sh $(FUZZ_SECONDS)

## Extraction on the evaluation corpus written independently of the code: per-field precision and recall on the
## development part and the held-out part (Tests/Evaluation/README.md).
.PHONY: eval-extract
eval-extract: build
	Tests/Evaluation/eval_extract.py --bin "$$($(SWIFT) build --show-bin-path)/helpdeskd"

## Parse benchmark: helpdeskd parse --stats next to GMime, Python's email and fast-mail-parser (bench/README.md).
bench-parse: deps
	SWIFT=$(SWIFT) bench/parse.sh

## Every benchmark (parse, ingest, end to end with ack delay, memory) into bench/results.md (bench/README.md).
bench: deps
	SWIFT=$(SWIFT) bench/bench.sh

## helpdeskd_$(VERSION)_amd64.deb in .build-deb/ from the static release binary (debian/build-deb.sh), then lintian.
deb: release deps-deb
	debian/build-deb.sh "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd" "$(VERSION)" $(DEB_DIR)
	lintian --allow-root --fail-on error,warning --display-info $(DEB_DIR)/helpdeskd_$(VERSION)_amd64.deb

# The revision `make test-deb` upgrades from: the last one whose store is at schema v2 (just before the migration
# v3-outbox-recipient-mailbox-domain), so the upgrade migrates a store an older program wrote, under an older
# sample configuration. PREVIOUS_REF= (empty) upgrades from this tree's own binary instead: no second build.
PREVIOUS_REF ?= f3df269

## The package installed, upgraded from the build of PREVIOUS_REF, removed and purged in a Debian 12 chroot (as
## root; the first run debootstraps the tree and builds PREVIOUS_REF, both kept in .build-deb/).
test-deb: deb
	if [ -n "$(PREVIOUS_REF)" ]; then \
	  debian/build-previous.sh "$(PREVIOUS_REF)" "$(VERSION)~previous" $(DEB_DIR); \
	else \
	  debian/build-deb.sh "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd" "$(VERSION)~previous" $(DEB_DIR); \
	fi
	debian/test-deb.sh $(DEB_DIR)/helpdeskd_$(VERSION)~previous_amd64.deb $(DEB_DIR)/helpdeskd_$(VERSION)_amd64.deb $(DEB_DIR)

## The staff workspace alone under wrk: 10,000 tickets, 16 clients, intake running (bench/web.py).
.PHONY: bench-web
bench-web: deps
	$(SWIFT) build $(RELEASE) --product helpdeskd
	python3 bench/web.py --helpdeskd "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd" --results bench/results-web.md

clean:
	rm -rf .build .build-fuzz .build-bench .build-deb

## Reliability suites (Tests/Torture/README.md): crash, outages, hostile input, abuse; under 30 minutes, as root.
.PHONY: torture
torture: release
	Tests/Torture/torture.py --bin "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd"
