# A rule package without METADATA: its findings would have no id.
package bad.nometa

deny contains "x" if input.x
