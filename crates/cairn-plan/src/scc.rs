//! Strongly connected components (Tarjan, iterative) and longest-path layers.

/// The strongly connected components of the graph whose node `n` has edges to
/// `successors[n]`, each sorted, in an order where every component comes after the
/// components it has edges to (Tarjan's order): dependencies first.
pub fn strongly_connected(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let count = successors.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    // (node, position of the next successor to look at)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (node, ref mut position)) = work.last_mut() {
            if *position == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&successor) = successors[node].get(*position) {
                *position += 1;
                if index[successor] == UNVISITED {
                    work.push((successor, 0));
                } else if on_stack[successor] {
                    low[node] = low[node].min(index[successor]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

/// The layer of every node: 0 without successors, else one more than its highest successor;
/// the members of one strongly connected component share a layer. `components` is
/// [`strongly_connected`]'s result.
pub fn layers(successors: &[Vec<usize>], components: &[Vec<usize>]) -> Vec<usize> {
    let mut component_of = vec![0; successors.len()];
    for (number, component) in components.iter().enumerate() {
        for &member in component {
            component_of[member] = number;
        }
    }
    let mut layer_of_component = vec![0; components.len()];
    // Tarjan's order puts every component after those it depends on.
    for (number, component) in components.iter().enumerate() {
        let layer = component
            .iter()
            .flat_map(|&member| &successors[member])
            .map(|&successor| component_of[successor])
            .filter(|&other| other != number)
            .map(|other| layer_of_component[other] + 1)
            .max()
            .unwrap_or(0);
        layer_of_component[number] = layer;
    }
    component_of
        .iter()
        .map(|&component| layer_of_component[component])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_and_ordered_after_their_dependencies() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3, 4 alone, 5 -> 5 (a self loop)
        let successors = vec![vec![1], vec![2], vec![1, 3], vec![], vec![], vec![5]];
        let components = strongly_connected(&successors);
        assert_eq!(components, [vec![3], vec![1, 2], vec![0], vec![4], vec![5]]);
        assert_eq!(layers(&successors, &components), [2, 1, 1, 0, 0, 0]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let count = 200_000;
        let successors: Vec<Vec<usize>> = (0..count)
            .map(|node| {
                if node + 1 < count {
                    vec![node + 1]
                } else {
                    vec![]
                }
            })
            .collect();
        let components = strongly_connected(&successors);
        assert_eq!(components.len(), count);
        assert_eq!(layers(&successors, &components)[0], count - 1);
    }
}
