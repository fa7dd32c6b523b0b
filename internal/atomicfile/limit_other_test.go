//go:build !unix

package atomicfile

import "errors"

func limitFileSize(uint64) error { return errors.New("no file-size limit on this system") }
