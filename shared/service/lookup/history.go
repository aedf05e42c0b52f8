package lookup

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/store"
)

// The version history of a policy: its kept versions, and what changed
// between any two of them. Change reports are not stored: they are
// computed from the two versions' clauses (changes.Compare gives the same
// report for the same versions every time, so pages of one report agree).

// maxVersionLen bounds a version id in a parameter.
const maxVersionLen = 1024

// genPattern is the form of a generation in a cursor.
var genPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{16}$`) })

// versionParam reads a version id parameter: present, at most 1024 bytes
// of printable characters.
func versionParam(r *request, name string) (string, bool, *response) {
	v, ok := r.query[name]
	if !ok {
		return "", false, nil
	}
	s := v[0]
	if s == "" || len(s) > maxVersionLen || strings.IndexFunc(s, func(c rune) bool { return !unicode.IsPrint(c) }) >= 0 {
		return "", false, badParam(name, fmt.Sprintf("%s must be a version id as GET /policies/{id}/versions lists them", name))
	}
	return s, true, nil
}

func unknownVersion(id, version string) string {
	return fmt.Sprintf("policy %q has no kept version %q; GET /policies/%s/versions lists them", id, version, id)
}

type versionView struct {
	Version  string  `json:"version"`
	Status   string  `json:"status"`
	Received string  `json:"received"`
	SHA256   string  `json:"sha256,omitempty"`
	Clauses  int     `json:"clauses"`
	Updated  *string `json:"updated"`
	// Current marks the version whose analysis the policy shows.
	Current bool `json:"current"`
	// The models and rules that analysed it.
	policy.Versions
}

type versionList struct {
	PolicyID   string        `json:"policyId"`
	Items      []versionView `json:"items"`
	NextCursor string        `json:"nextCursor,omitempty"`
}

func (h *Handler) versions(ctx context.Context, r *request) *response {
	id := r.path["id"]
	limit, cur, bad := h.pageParams(ctx, r, "id="+id)
	if bad != nil {
		return bad
	}
	if cur != nil && !genPattern().MatchString(cur.Pos) {
		return badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
	}
	p, bad := h.findPolicy(ctx, id)
	if bad != nil {
		return bad
	}
	start := 0
	if cur != nil {
		i := indexOfGen(p.Versions, cur.Pos)
		if i < 0 {
			return problem(http.StatusConflict, probPolicyChanged,
				"the version the previous page ended at is no longer kept; start again without a cursor")
		}
		start = i + 1
	}
	end := min(start+limit, len(p.Versions))
	out := versionList{PolicyID: p.ID, Items: make([]versionView, 0, end-start)}
	for _, e := range p.Versions[start:end] {
		v := versionView{Version: e.Version, Status: string(policy.Ready), Received: e.Received, SHA256: e.SHA256,
			Clauses: e.Clauses, Current: e.Gen == p.Gen,
			Versions: e.AnalysedBy()}
		if e.Updated != "" {
			u := e.Updated
			v.Updated = &u
		}
		out.Items = append(out.Items, v)
	}
	if end < len(p.Versions) {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: "id=" + id, Pos: p.Versions[end-1].Gen}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

func indexOfGen(versions []store.VersionEntry, gen string) int {
	for i, e := range versions {
		if e.Gen == gen {
			return i
		}
	}
	return -1
}

// changeReport is the body of GET /policies/{id}/changes: the report with
// the versions compared, its clause changes paged.
type changeReport struct {
	Policy string  `json:"policy"`
	From   *string `json:"from"`
	To     string  `json:"to"`
	changes.Report
	NextCursor string `json:"nextCursor,omitempty"`
}

func (h *Handler) changes(ctx context.Context, r *request) *response {
	id := r.path["id"]
	from, hasFrom, bad := versionParam(r, "from")
	if bad != nil {
		return bad
	}
	to, hasTo, bad := versionParam(r, "to")
	if bad != nil {
		return bad
	}
	scope := fmt.Sprintf("id=%s&from=%s&to=%s", id, from, to)
	limit, cur, bad := h.pageParams(ctx, r, scope)
	if bad != nil {
		return bad
	}
	// A cursor holds the position in the report's clause changes and the
	// generations of the two versions, so that later pages compare the
	// same versions even when new ones arrived meanwhile.
	pos, fromGen, toGen := 0, "", ""
	if cur != nil {
		var ok bool
		fromGen, toGen, ok = strings.Cut(cur.Gen, "/")
		n, err := strconv.Atoi(cur.Pos)
		if !ok || err != nil || n < 1 || !genPattern().MatchString(toGen) || (fromGen != "" && !genPattern().MatchString(fromGen)) {
			return badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
		}
		pos = n
	}
	p, bad := h.findPolicy(ctx, id)
	if bad != nil {
		return bad
	}
	var fromE, toE *store.VersionEntry
	if cur != nil {
		toE = p.FindGen(toGen)
		if fromGen != "" {
			fromE = p.FindGen(fromGen)
		}
		if toE == nil || (fromGen != "" && fromE == nil) {
			return problem(http.StatusConflict, probPolicyChanged,
				"a version this report compares is no longer kept; start again without a cursor")
		}
	} else {
		if hasTo {
			if toE = p.Find(to); toE == nil {
				return notFound(unknownVersion(id, to))
			}
		} else if toE = p.Latest(); toE == nil {
			return notFound(fmt.Sprintf("policy %q has no analysed version yet", id))
		}
		if hasFrom {
			if fromE = p.Find(from); fromE == nil {
				return notFound(unknownVersion(id, from))
			}
		} else if i := indexOfGen(p.Versions, toE.Gen); i+1 < len(p.Versions) {
			fromE = &p.Versions[i+1]
		}
	}
	rep, err := h.report(ctx, p.ID, fromE, toE)
	if err != nil {
		return h.failure(ctx, err, fault.Conflict, "a version this report compares was deleted while it was read; try again")
	}
	out := changeReport{Policy: p.ID, To: toE.Version, Report: *rep}
	if fromE != nil {
		out.From = &fromE.Version
	}
	end := min(pos+limit, len(rep.Clauses))
	out.Clauses = rep.Clauses[min(pos, end):end]
	if end < len(rep.Clauses) {
		g := toE.Gen
		if fromE != nil {
			g = fromE.Gen + "/" + g
		} else {
			g = "/" + g
		}
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: strconv.Itoa(end), Gen: g}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

// report returns the change report from version from (nil: none) to
// version to of policy id.
func (h *Handler) report(ctx context.Context, id string, from, to *store.VersionEntry) (*changes.Report, error) {
	key := id + "/" + to.Gen
	if from != nil {
		key += "/" + from.Gen
	}
	if rep := h.reports.get(key); rep != nil {
		return rep, nil
	}
	var (
		wg         sync.WaitGroup
		prev, next *policy.Analysis
		errA, errB error
	)
	if from != nil {
		wg.Go(func() { prev, errA = h.store.ReadVersion(ctx, id, from.Gen) })
	}
	wg.Go(func() { next, errB = h.store.ReadVersion(ctx, id, to.Gen) })
	wg.Wait()
	if errA != nil {
		return nil, errA
	}
	if errB != nil {
		return nil, errB
	}
	rep := changes.Compare(prev, next)
	if rep.Labels == nil {
		rep.Labels = []changes.LabelChange{}
	}
	if rep.Facts == nil {
		rep.Facts = []changes.FactChange{}
	}
	if rep.Headings == nil {
		rep.Headings = []changes.HeadingChange{}
	}
	if rep.Clauses == nil {
		rep.Clauses = []changes.ClauseChange{}
	}
	n := len(next.Clauses)
	if prev != nil {
		n += len(prev.Clauses)
	}
	h.reports.put(key, rep, n)
	return rep, nil
}

// reportCacheSize is how many change reports an instance keeps; reports
// of versions with more than reportCacheClauses clauses between them are
// not kept.
const (
	reportCacheSize    = 4
	reportCacheClauses = 20000
)

// reportCache keeps the last few change reports an instance computed, so
// that paging through one report does not compute it again for every
// page. A report never changes: its versions never do.
type reportCache struct {
	mu      sync.Mutex
	size    int
	keys    []string
	reports map[string]*changes.Report
}

func newReportCache(size int) *reportCache {
	return &reportCache{size: size, reports: map[string]*changes.Report{}}
}

func (c *reportCache) get(key string) *changes.Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reports[key]
}

func (c *reportCache) put(key string, rep *changes.Report, clauses int) {
	if clauses > reportCacheClauses {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.reports[key]; ok {
		return
	}
	if len(c.keys) >= c.size {
		delete(c.reports, c.keys[0])
		c.keys = c.keys[1:]
	}
	c.keys = append(c.keys, key)
	c.reports[key] = rep
}
