# helpdeskd — build, test and run. `make demo` and `make test` are the two commands the README promises.

SWIFT      ?= swift
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
SHAREDIR   := $(PREFIX)/share/helpdeskd
UNITDIR    ?= /etc/systemd/system
CONFDIR    ?= /etc/helpdeskd

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES := libcurl4-openssl-dev libssl-dev libsqlite3-dev libxml2-dev pkg-config dovecot-imapd python3-aiosmtpd openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release test demo lint install clean fuzz bench-parse

all: build

## Installs the Debian packages that are missing (idempotent: does nothing when all are present).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Runs what exists of the main job on the samples (see README).
demo: deps
	$(SWIFT) build -c release --product helpdeskd
	@Samples/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd"

lint:
	$(SWIFT) format lint -r Sources Tests Package.swift

install: release
	install -D -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/helpdeskd" "$(DESTDIR)$(BINDIR)/helpdeskd"
	install -D -m 0644 systemd/helpdeskd.service "$(DESTDIR)$(UNITDIR)/helpdeskd.service"
	install -D -m 0640 Samples/helpdeskd.toml "$(DESTDIR)$(CONFDIR)/helpdeskd.toml"
	install -d -m 0755 "$(DESTDIR)$(SHAREDIR)/templates"
	for f in Samples/templates/*.mustache; do [ -e "$$f" ] && install -m 0644 "$$f" "$(DESTDIR)$(SHAREDIR)/templates/"; done; true

## Parse benchmark: helpdeskd parse --stats next to GMime, Python's email and fast-mail-parser (bench/README.md).
bench-parse: deps
	SWIFT=$(SWIFT) bench/parse.sh

clean:
	rm -rf .build
