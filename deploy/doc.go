// Package deploy holds the release artefacts' sources (the Containerfile, the
// systemd units and the example configuration the Debian package ships) and
// the tests that build and exercise them: the static binary, the container
// image and the .deb. It has no code of its own.
package deploy
