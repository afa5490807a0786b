package shuffle

import (
	"fmt"
	"strings"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Kind is how an exchange distributes rows.
type Kind uint8

const (
	// Hash sends each row to the partition of its key columns' hash.
	Hash Kind = iota
	// Broadcast writes every row to partition 0, which every task of the
	// next stage reads.
	Broadcast
	// Single writes every row to partition 0, which the next stage's one
	// task reads.
	Single
)

// Partitioning is how a map task splits its output.
type Partitioning struct {
	Kind Kind
	// Keys are the hashed columns (Hash).
	Keys []int
	// Count is the number of partitions: the next stage's tasks for Hash,
	// 1 otherwise.
	Count int
}

func (p Partitioning) String() string {
	switch p.Kind {
	case Broadcast:
		return "broadcast"
	case Single:
		return "single"
	}
	ks := make([]string, len(p.Keys))
	for i, k := range p.Keys {
		ks[i] = fmt.Sprint(k)
	}
	return fmt.Sprintf("hash(%s) x%d", strings.Join(ks, ","), p.Count)
}

// FromExchange reads the partitioning of an ExchangeRel.
func FromExchange(x *substraitpb.ExchangeRel) (Partitioning, error) {
	switch k := x.GetExchangeKind().(type) {
	case *substraitpb.ExchangeRel_ScatterByFields:
		p := Partitioning{Kind: Hash, Count: int(x.GetPartitionCount())}
		if p.Count < 1 {
			return Partitioning{}, errkind.Errorf(errkind.InvalidArgument, "exchange: scatter into %d partitions", x.GetPartitionCount())
		}
		for i, f := range k.ScatterByFields.GetFields() {
			sf := f.GetDirectReference().GetStructField()
			if sf == nil || sf.GetChild() != nil {
				return Partitioning{}, errkind.Errorf(errkind.Unimplemented, "exchange: scatter field %d is not a top-level column", i)
			}
			p.Keys = append(p.Keys, int(sf.GetField()))
		}
		if len(p.Keys) == 0 {
			return Partitioning{}, errkind.Errorf(errkind.InvalidArgument, "exchange: scatter by no fields")
		}
		return p, nil
	case *substraitpb.ExchangeRel_Broadcast_:
		return Partitioning{Kind: Broadcast, Count: 1}, nil
	case *substraitpb.ExchangeRel_SingleTarget:
		return Partitioning{Kind: Single, Count: 1}, nil
	}
	return Partitioning{}, errkind.Errorf(errkind.Unimplemented, "exchange: kind %T", x.GetExchangeKind())
}

// Exchange returns an ExchangeRel distributing input as p does.
func Exchange(input *substraitpb.Rel, p Partitioning) *substraitpb.Rel {
	x := &substraitpb.ExchangeRel{Input: input, PartitionCount: int32(p.Count)}
	switch p.Kind {
	case Hash:
		var fields []*substraitpb.Expression_FieldReference
		for _, k := range p.Keys {
			fields = append(fields, &substraitpb.Expression_FieldReference{
				ReferenceType: &substraitpb.Expression_FieldReference_DirectReference{DirectReference: &substraitpb.Expression_ReferenceSegment{
					ReferenceType: &substraitpb.Expression_ReferenceSegment_StructField_{StructField: &substraitpb.Expression_ReferenceSegment_StructField{Field: int32(k)}},
				}},
				RootType: &substraitpb.Expression_FieldReference_RootReference_{RootReference: &substraitpb.Expression_FieldReference_RootReference{}},
			})
		}
		x.ExchangeKind = &substraitpb.ExchangeRel_ScatterByFields{ScatterByFields: &substraitpb.ExchangeRel_ScatterFields{Fields: fields}}
	case Broadcast:
		x.ExchangeKind = &substraitpb.ExchangeRel_Broadcast_{Broadcast: &substraitpb.ExchangeRel_Broadcast{}}
	case Single:
		x.ExchangeKind = &substraitpb.ExchangeRel_SingleTarget{SingleTarget: &substraitpb.ExchangeRel_SingleBucketExpression{}}
	}
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Exchange{Exchange: x}}
}
