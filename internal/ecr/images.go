package ecr

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"sort"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// imageID is the ImageIdentifier shape.
type imageID struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

// maxManifest is the model's limit on imageManifest (4 MiB).
const maxManifest = 4194304

// defaultMediaType is the Docker image manifest, version 2, schema 2: what
// docker pushes and what a manifest without mediaType is taken to be.
const defaultMediaType = "application/vnd.docker.distribution.manifest.v2+json"

var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Digest is a manifest's digest as the registry computes it: sha256 of its
// bytes, exactly as pushed.
func Digest(manifest []byte) string {
	sum := sha256.Sum256(manifest)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// manifest is what ECR reads of an image manifest: its media type and the
// sizes that make the image's size.
type manifest struct {
	SchemaVersion int    `json:"schemaVersion"`
	MediaType     string `json:"mediaType"`
	Config        *blob  `json:"config"`
	Layers        []blob `json:"layers"`
	Manifests     []blob `json:"manifests"` // an image index (manifest list)
}

type blob struct {
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	Digest    string `json:"digest"`
}

// parseManifest checks that doc is a JSON image manifest or index and
// returns its media type and size (its layers' bytes).
func parseManifest(doc []byte, given string) (mediaType string, size int64, err error) {
	var m manifest
	if err := json.Unmarshal(doc, &m); err != nil {
		return "", 0, errInvalidParameter.New(msgManifestInvalid)
	}
	if m.SchemaVersion != 2 {
		return "", 0, errInvalidParameter.New(msgManifestInvalid)
	}
	for _, l := range append(append([]blob(nil), m.Layers...), m.Manifests...) {
		if !digestPattern.MatchString(l.Digest) || l.Size < 0 {
			return "", 0, errInvalidParameter.New(msgManifestInvalid)
		}
		size += l.Size
	}
	if m.Config != nil && !digestPattern.MatchString(m.Config.Digest) {
		return "", 0, errInvalidParameter.New(msgManifestInvalid)
	}
	switch {
	case given != "":
		mediaType = given
	case m.MediaType != "":
		mediaType = m.MediaType
	default:
		mediaType = defaultMediaType
	}
	return mediaType, size, nil
}

// stored is an image row.
type stored struct {
	digest, manifest, mediaType string
	size, pushed                int64
	tags                        []string
}

// images reads a repository's images with their tags, by digest.
func images(tx *store.Tx, repoARN string) ([]*stored, error) {
	rows, err := tx.Query(`SELECT digest, manifest, media_type, size, pushed FROM ecr_images WHERE repo = ? ORDER BY digest`, repoARN)
	if err != nil {
		return nil, err
	}
	var out []*stored
	by := map[string]*stored{}
	for rows.Next() {
		im := &stored{}
		if err := rows.Scan(&im.digest, &im.manifest, &im.mediaType, &im.size, &im.pushed); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, im)
		by[im.digest] = im
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(`SELECT tag, digest FROM ecr_tags WHERE repo = ? ORDER BY tag`, repoARN)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tag, digest string
		if err := rows.Scan(&tag, &digest); err != nil {
			return nil, err
		}
		if im := by[digest]; im != nil {
			im.tags = append(im.tags, tag)
		}
	}
	return out, rows.Err()
}

// lookup is the image id names, with its tags, or nil: by digest (and a
// tag given too must point at it), or by tag. It reads that image's rows
// only (by the primary keys and the tags' digest index), so it costs the
// same in a repository of ten images or of ten thousand.
func lookup(tx *store.Tx, repoARN string, id imageID) (*stored, error) {
	digest := id.ImageDigest
	if id.ImageTag != "" {
		var tagged string
		err := tx.QueryRow(`SELECT digest FROM ecr_tags WHERE repo = ? AND tag = ?`, repoARN, id.ImageTag).Scan(&tagged)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && digest != "" && tagged != digest) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		digest = tagged
	}
	if digest == "" {
		return nil, nil
	}
	im := &stored{digest: digest}
	err := tx.QueryRow(`SELECT manifest, media_type, size, pushed FROM ecr_images WHERE repo = ? AND digest = ?`, repoARN, digest).
		Scan(&im.manifest, &im.mediaType, &im.size, &im.pushed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT tag FROM ecr_tags WHERE repo = ? AND digest = ? ORDER BY tag`, repoARN, digest)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		im.tags = append(im.tags, t)
	}
	return im, rows.Err()
}

// imageOut is the Image shape.
type imageOut struct {
	RegistryID             string  `json:"registryId"`
	RepositoryName         string  `json:"repositoryName"`
	ImageID                imageID `json:"imageId"`
	ImageManifest          string  `json:"imageManifest"`
	ImageManifestMediaType string  `json:"imageManifestMediaType"`
}

type failure struct {
	ImageID       imageID `json:"imageId"`
	FailureCode   string  `json:"failureCode"`
	FailureReason string  `json:"failureReason"`
}

func (s *Service) putImageOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "PutImage",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decode(ctx, r)
			switch {
			case err != nil:
			case in.ImageManifest == nil || *in.ImageManifest == "":
				err = errValidation.Errorf(msgRequiredFmt, "imageManifest")
			case len(*in.ImageManifest) > maxManifest:
				err = errInvalidParameter.New(msgManifestTooLarge)
			case in.ImageTag != nil && (len(*in.ImageTag) < 1 || len(*in.ImageTag) > 300):
				err = errInvalidParameter.New(msgTagLength)
			case in.ImageDigest != nil && !digestPattern.MatchString(*in.ImageDigest):
				err = errInvalidParameter.Errorf(msgDigestInvalidFmt, *in.ImageDigest)
			}
			return in, err
		},
		Auth: s.check("ecr:PutImage"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			doc := []byte(*in.ImageManifest)
			mediaType, size, err := parseManifest(doc, in.ImageManifestMediaType)
			if err != nil {
				return nil, err
			}
			digest := Digest(doc)
			if in.ImageDigest != nil && *in.ImageDigest != digest {
				return nil, errDigestMismatch.Errorf(msgDigestMismatchFmt, *in.ImageDigest, digest)
			}
			tag := ""
			if in.ImageTag != nil {
				tag = *in.ImageTag
			}
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				var had int
				err := tx.QueryRow(`SELECT 1 FROM ecr_images WHERE repo = ? AND digest = ?`, rp.arn, digest).Scan(&had)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
				exists := err == nil
				var tagged string
				if tag != "" {
					err := tx.QueryRow(`SELECT digest FROM ecr_tags WHERE repo = ? AND tag = ?`, rp.arn, tag).Scan(&tagged)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				switch {
				case exists && (tag == "" || tagged == digest):
					return errImageExists.Errorf(msgImageExistsFmt, digest, tag, rp.name, rp.account)
				case tagged != "" && tagged != digest && rp.mutability == "IMMUTABLE":
					return errTagExists.Errorf(msgTagExistsFmt, tag, rp.name)
				}
				if !exists {
					if _, err := tx.Exec(`INSERT INTO ecr_images (repo, digest, manifest, media_type, size, pushed) VALUES (?, ?, ?, ?, ?, ?)`,
						rp.arn, digest, string(doc), mediaType, size, r.Now.UnixNano()); err != nil {
						return err
					}
				}
				if tag != "" {
					// A tag names one image: pushing it again moves it.
					_, err := tx.Exec(`INSERT INTO ecr_tags (repo, tag, digest) VALUES (?, ?, ?)
						ON CONFLICT (repo, tag) DO UPDATE SET digest = excluded.digest`, rp.arn, tag, digest)
					return err
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return struct {
				Image imageOut `json:"image"`
			}{imageOut{RegistryID: rp.account, RepositoryName: rp.name, ImageID: imageID{ImageDigest: digest, ImageTag: tag},
				ImageManifest: string(doc), ImageManifestMediaType: mediaType}}, nil
		},
	})
}

// checkIDs sorts the ids of a batch into those to look up and the failures
// ECR reports without looking.
func checkIDs(ids []imageID) (ok []imageID, failures []failure) {
	for _, id := range ids {
		switch {
		case id.ImageDigest == "" && id.ImageTag == "":
			failures = append(failures, failure{ImageID: id, FailureCode: failMissing, FailureReason: msgFailMissing})
		case id.ImageDigest != "" && !digestPattern.MatchString(id.ImageDigest):
			failures = append(failures, failure{ImageID: id, FailureCode: failInvalidDigest, FailureReason: msgFailInvalidDigest})
		default:
			ok = append(ok, id)
		}
	}
	return ok, failures
}

func decodeBatch(ctx context.Context, r *protocol.Request) (*input, error) {
	in, err := decode(ctx, r)
	if err == nil && in.ImageIDs == nil {
		err = errValidation.Errorf(msgRequiredFmt, "imageIds")
	}
	return in, err
}

func (s *Service) batchGetImageOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name:   "BatchGetImage",
		Decode: decodeBatch,
		Auth:   s.check("ecr:BatchGetImage"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			ids, failures := checkIDs(in.ImageIDs)
			out := struct {
				Images   []imageOut `json:"images"`
				Failures []failure  `json:"failures"`
			}{Images: []imageOut{}}
			err = s.db.Read(ctx, func(tx *store.Tx) error {
				for _, id := range ids {
					im, err := lookup(tx, rp.arn, id)
					if err != nil {
						return err
					}
					if im == nil {
						failures = append(failures, failure{ImageID: id, FailureCode: failImageNotFound, FailureReason: msgFailNotFound})
						continue
					}
					out.Images = append(out.Images, imageOut{RegistryID: rp.account, RepositoryName: rp.name,
						ImageID: imageID{ImageDigest: im.digest, ImageTag: id.ImageTag}, ImageManifest: im.manifest, ImageManifestMediaType: im.mediaType})
				}
				return nil
			})
			out.Failures = failures
			if out.Failures == nil {
				out.Failures = []failure{}
			}
			return out, err
		},
	})
}

// imageDetail is the ImageDetail shape.
type imageDetail struct {
	RegistryID             string   `json:"registryId"`
	RepositoryName         string   `json:"repositoryName"`
	ImageDigest            string   `json:"imageDigest"`
	ImageTags              []string `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64    `json:"imageSizeInBytes"`
	ImagePushedAt          float64  `json:"imagePushedAt"`
	ImageManifestMediaType string   `json:"imageManifestMediaType"`
	ArtifactMediaType      string   `json:"artifactMediaType,omitempty"`
	ImageStatus            string   `json:"imageStatus"`
}

func (s *Service) describeImagesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "DescribeImages",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decode(ctx, r)
			if err == nil {
				err = checkMax(in.MaxResults)
			}
			return in, err
		},
		Auth: s.check("ecr:DescribeImages"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			var chosen []*stored
			err = s.db.Read(ctx, func(tx *store.Tx) error {
				if len(in.ImageIDs) == 0 {
					all, err := images(tx, rp.arn)
					for _, im := range all {
						if keep(in.Filter, im) {
							chosen = append(chosen, im)
						}
					}
					return err
				}
				for _, id := range in.ImageIDs {
					im, err := lookup(tx, rp.arn, id)
					if err != nil {
						return err
					}
					if im == nil {
						return errImageNotFound.Errorf(msgImageNotFoundFmt, nullable(id.ImageDigest), nullable(id.ImageTag), rp.name, rp.account)
					}
					chosen = append(chosen, im)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			page, next, err := pageOf(chosen, func(im *stored) string { return im.digest }, in.NextToken, in.MaxResults)
			if err != nil {
				return nil, err
			}
			out := struct {
				ImageDetails []imageDetail `json:"imageDetails"`
				NextToken    string        `json:"nextToken,omitempty"`
			}{ImageDetails: []imageDetail{}, NextToken: next}
			for _, im := range page {
				out.ImageDetails = append(out.ImageDetails, imageDetail{RegistryID: rp.account, RepositoryName: rp.name, ImageDigest: im.digest,
					ImageTags: im.tags, ImageSizeInBytes: im.size, ImagePushedAt: epoch(im.pushed), ImageManifestMediaType: im.mediaType, ImageStatus: "ACTIVE"})
			}
			return out, nil
		},
	})
}

// nullable spells an image id member as ECR's messages do: null when
// absent.
func nullable(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// keep applies a tagStatus filter (TAGGED, UNTAGGED, ANY).
func keep(f *filter, im *stored) bool {
	if f == nil {
		return true
	}
	switch f.TagStatus {
	case "TAGGED":
		return len(im.tags) > 0
	case "UNTAGGED":
		return len(im.tags) == 0
	}
	return true
}

func (s *Service) listImagesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "ListImages",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decode(ctx, r)
			if err == nil {
				err = checkMax(in.MaxResults)
			}
			return in, err
		},
		Auth: s.check("ecr:ListImages"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			var all []*stored
			if err := s.db.Read(ctx, func(tx *store.Tx) (err error) {
				all, err = images(tx, rp.arn)
				return err
			}); err != nil {
				return nil, err
			}
			// One id per tag, and one for an untagged image.
			var ids []imageID
			for _, im := range all {
				if !keep(in.Filter, im) {
					continue
				}
				if len(im.tags) == 0 {
					ids = append(ids, imageID{ImageDigest: im.digest})
				}
				for _, t := range im.tags {
					ids = append(ids, imageID{ImageDigest: im.digest, ImageTag: t})
				}
			}
			sort.SliceStable(ids, func(i, j int) bool { return ids[i].ImageDigest+ids[i].ImageTag < ids[j].ImageDigest+ids[j].ImageTag })
			page, next, err := pageOf(ids, func(id imageID) string { return id.ImageDigest + id.ImageTag }, in.NextToken, in.MaxResults)
			if err != nil {
				return nil, err
			}
			if page == nil {
				page = []imageID{}
			}
			return struct {
				ImageIDs  []imageID `json:"imageIds"`
				NextToken string    `json:"nextToken,omitempty"`
			}{page, next}, nil
		},
	})
}

func (s *Service) batchDeleteImageOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name:   "BatchDeleteImage",
		Decode: decodeBatch,
		Auth:   s.check("ecr:BatchDeleteImage"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			ids, failures := checkIDs(in.ImageIDs)
			deleted := []imageID{}
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				for _, id := range ids {
					im, err := lookup(tx, rp.arn, id)
					if err != nil {
						return err
					}
					if im == nil {
						failures = append(failures, failure{ImageID: id, FailureCode: failImageNotFound, FailureReason: msgFailNotFound})
						continue
					}
					if id.ImageDigest == "" && len(im.tags) > 1 {
						// By tag, an image with other tags only loses the tag.
						if _, err := tx.Exec(`DELETE FROM ecr_tags WHERE repo = ? AND tag = ?`, rp.arn, id.ImageTag); err != nil {
							return err
						}
						deleted = append(deleted, imageID{ImageDigest: im.digest, ImageTag: id.ImageTag})
						continue
					}
					if _, err := tx.Exec(`DELETE FROM ecr_tags WHERE repo = ? AND digest = ?`, rp.arn, im.digest); err != nil {
						return err
					}
					if _, err := tx.Exec(`DELETE FROM ecr_images WHERE repo = ? AND digest = ?`, rp.arn, im.digest); err != nil {
						return err
					}
					if len(im.tags) == 0 {
						deleted = append(deleted, imageID{ImageDigest: im.digest})
					}
					for _, t := range im.tags {
						deleted = append(deleted, imageID{ImageDigest: im.digest, ImageTag: t})
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if failures == nil {
				failures = []failure{}
			}
			return struct {
				ImageIDs []imageID `json:"imageIds"`
				Failures []failure `json:"failures"`
			}{deleted, failures}, nil
		},
	})
}
