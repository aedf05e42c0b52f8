package devstack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// mirror keeps a copy of the local bucket's objects on disk, so that make
// dev loses nothing when it stops: at start the objects are uploaded to
// the new emulator's bucket (and so ingested again); while it runs the
// copy follows the bucket, every syncEvery and once more when it stops. A
// crash loses at most the uploads of the last syncEvery.
//
// The directory holds objects/<sha256 of the key> and index.json, which
// maps each key to its file and entity tag.
type mirror struct {
	dir    string
	bucket string
	s3     *s3.Client
	log    *slog.Logger
	index  map[string]mirrored
}

type mirrored struct {
	File string `json:"file"`
	ETag string `json:"eTag"`
}

const syncEvery = time.Second

func newMirror(dir, bucket string, client *s3.Client, log *slog.Logger) (*mirror, error) {
	m := &mirror{dir: dir, bucket: bucket, s3: client, log: log, index: map[string]mirrored{}}
	if err := os.MkdirAll(filepath.Join(dir, "objects"), 0o755); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	b, err := os.ReadFile(m.indexPath())
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("state directory: %w", err)
	default:
		if err := json.Unmarshal(b, &m.index); err != nil {
			return nil, fmt.Errorf("%s is damaged (start clean with make dev-clean): %w", m.indexPath(), err)
		}
	}
	return m, nil
}

func (m *mirror) indexPath() string { return filepath.Join(m.dir, "index.json") }

// restore uploads every object of the copy to the bucket and returns how
// many it uploaded.
func (m *mirror) restore(ctx context.Context) (int, error) {
	n := 0
	for key, e := range m.index {
		data, err := os.ReadFile(filepath.Join(m.dir, "objects", e.File))
		if err != nil {
			m.log.Warn("a saved object is missing; it is not restored", "key", key, "error", err.Error())
			delete(m.index, key)
			continue
		}
		out, err := m.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(m.bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
		if err != nil {
			return n, fmt.Errorf("restore %s: %w", key, err)
		}
		e.ETag = strings.Trim(aws.ToString(out.ETag), `"`)
		m.index[key] = e
		n++
	}
	return n, m.saveIndex()
}

// sync makes the copy hold what the bucket holds.
func (m *mirror) sync(ctx context.Context) error {
	seen := map[string]bool{}
	changed := false
	p := s3.NewListObjectsV2Paginator(m.s3, &s3.ListObjectsV2Input{Bucket: aws.String(m.bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the bucket: %w", err)
		}
		for _, o := range page.Contents {
			key, tag := aws.ToString(o.Key), strings.Trim(aws.ToString(o.ETag), `"`)
			seen[key] = true
			if m.index[key].ETag == tag {
				continue
			}
			if err := m.save(ctx, key); err != nil {
				return err
			}
			changed = true
		}
	}
	for key, e := range m.index {
		if !seen[key] {
			os.Remove(filepath.Join(m.dir, "objects", e.File))
			delete(m.index, key)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return m.saveIndex()
}

// save copies one object to disk.
func (m *mirror) save(ctx context.Context, key string) error {
	out, err := m.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(m.bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	defer out.Body.Close()
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	if err := writeFile(filepath.Join(m.dir, "objects", name), out.Body); err != nil {
		return err
	}
	m.index[key] = mirrored{File: name, ETag: strings.Trim(aws.ToString(out.ETag), `"`)}
	return nil
}

func (m *mirror) saveIndex() error {
	b, err := json.MarshalIndent(m.index, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(m.indexPath(), bytes.NewReader(b))
}

// run syncs every syncEvery until ctx is done.
func (m *mirror) run(ctx context.Context) {
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.sync(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("saving the bucket to disk failed; trying again", "dir", m.dir, "error", err.Error())
			}
		}
	}
}

// writeFile writes r to path through a temporary file, so that a crash
// leaves the old file or the new one, never half of one.
func writeFile(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
