// Instructed edit: try `diffcoder edit examples/stack.go --lines 9-15 --instruction "return an error instead of panicking"`.
package stack

type Stack struct {
	items []int
}

// Pop removes and returns the top item.
func (s *Stack) Pop() int {
	if len(s.items) == 0 {
		panic("pop from empty stack")
	}
	top := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return top
}

func (s *Stack) Push(v int) {
	s.items = append(s.items, v)
}
