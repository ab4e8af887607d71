"""Keeps well-known evaluation problems out of the training data.

No copy of the benchmarks exists on this machine, so the filter works from what is known about them:
- HumanEval (and its translations MultiPL-E / HumanEval-X, which keep the entry points, sometimes in
  camelCase): a small file (< 3000 chars, <= 3 functions) that DEFINES one of the distinctive entry-point
  names, or any file defining two or more of them; a small file that defines one of the generic ones
  (add, median, fib, ...) with HumanEval-style examples right after the definition (">>> add(2, 3)",
  "add(...) == ...", "➞"); the opening words of HumanEval prompt docstrings; the test harness
  ("def check(candidate)", "assert candidate(").
- MBPP: its task phrasing "Write a (python) function to ...".
- APPS / CodeContests / Codeforces / AtCoder: stdin problem statements ("-----Input-----", "The first
  line contains", "Sample Input", constraint lines like "1 ≤ n ≤ 10^5"), two or more markers.
- LeetCode-style problems (LiveCodeBench and the like): "class Solution" with "Example 1:" / "Input:".
- Dataset rows pasted into code: "HumanEval/12", "canonical_solution", "test_setup_code".
Each rule's drop count is in report.json under dropped.decontam_*.
"""
import re

# HumanEval entry points unlikely to be defined by ordinary code (compared lower-case without '_').
HUMANEVAL_DISTINCTIVE = {
    'has_close_elements', 'separate_paren_groups', 'below_zero', 'parse_nested_parens', 'filter_by_substring',
    'count_distinct_characters', 'parse_music', 'how_many_times', 'find_closest_elements', 'filter_by_prefix',
    'sort_third', 'sort_even', 'decode_cyclic', 'encode_cyclic', 'prime_fib', 'triples_sum_to_zero',
    'car_race_collision', 'incr_list', 'pairs_sum_to_zero', 'fib4', 'decode_shift', 'encode_shift',
    'remove_vowels', 'below_threshold', 'same_chars', 'correct_bracketing', 'largest_prime_factor', 'sum_to_n',
    'fibfib', 'vowels_count', 'circular_shift', 'fruit_distribution', 'strange_sort_list', 'will_it_fly',
    'smallest_change', 'total_match', 'is_multiply_prime', 'is_simple_power', 'hex_key', 'numerical_letter_grade',
    'prime_length', 'starts_one_ends', 'anti_shuffle', 'next_smallest', 'is_bored', 'any_int', 'skjkasdkd',
    'check_dict_case', 'count_up_to', 'count_upper', 'closest_integer', 'make_a_pile', 'words_string',
    'choose_num', 'rounded_avg', 'unique_digits', 'even_odd_palindrome', 'move_one_ball', 'reverse_delete',
    'odd_count', 'minSubArraySum', 'max_fill', 'select_words', 'get_closest_vowel', 'match_parens',
    'add_elements', 'get_odd_collatz', 'prod_signs', 'check_if_last_char_is_a_letter', 'can_arrange',
    'largest_smallest_integers', 'compare_one', 'is_equal_to_sum_even', 'special_factorial',
    'file_name_check', 'words_in_sentence', 'order_by_points', 'specialFilter', 'get_max_triples',
    'sorted_list_sum', 'x_or_y', 'double_the_difference', 'Strongest_Extension', 'cycpattern_check',
    'even_odd_count', 'int_to_mini_roman', 'right_angle_triangle', 'do_algebra', 'generate_integers',
    'count_nums', 'string_to_md5',
}
# Entry points that ordinary code also uses: only dropped with HumanEval-style examples next to them.
HUMANEVAL_GENERIC = {
    'truncate_number', 'mean_absolute_deviation', 'intersperse', 'sum_product', 'rolling_max', 'is_palindrome',
    'make_palindrome', 'string_xor', 'longest', 'greatest_common_divisor', 'all_prefixes', 'string_sequence',
    'sort_numbers', 'rescale_to_unit', 'filter_integers', 'strlen', 'largest_divisor', 'factorize',
    'remove_duplicates', 'flip_case', 'concatenate', 'get_positive', 'is_prime', 'find_zero', 'unique',
    'max_element', 'fizz_buzz', 'change_base', 'triangle_area', 'median', 'modp', 'add', 'fib', 'monotonic',
    'common', 'derivative', 'digitSum', 'pluck', 'search', 'iscube', 'decimal_to_binary', 'is_happy', 'solve',
    'encrypt', 'encode', 'multiply', 'get_row', 'sort_array', 'by_length', 'f', 'exchange', 'histogram',
    'maximum', 'solution', 'valid_date', 'split_words', 'is_sorted', 'intersection', 'minPath', 'tri',
    'digits', 'is_nested', 'sum_squares', 'fix_spaces', 'simplify', 'bf', 'compare', 'find_max', 'eat',
}


GENERIC_MAX_CHARS = 3000
GENERIC_MAX_FUNCTIONS = 3


def _norm(name):
    return name.replace('_', '').lower()


_DISTINCTIVE = {_norm(n) for n in HUMANEVAL_DISTINCTIVE}
_GENERIC = {_norm(n) for n in HUMANEVAL_GENERIC}

_DEFINITION = re.compile(
    r'\b(?:def|function|func|fn)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*[(<]'
    r'|\b(?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>)'
    r'|^[ \t]*(?:(?:public|private|protected|static|final|synchronized)[ \t]+)+[\w<>\[\],.]+'
    r'(?:[ \t]+[\w<>\[\],.]+)?[ \t]+([A-Za-z_]\w*)[ \t]*\(',
    re.M,
)

# Opening words of HumanEval prompt docstrings (matched lower-case, whitespace collapsed).
HUMANEVAL_PHRASES = [
    'check if in given list of numbers, are any two numbers closer to each other than',
    'input to this function is a string containing multiple groups of nested parentheses',
    "you're given a list of deposit and withdrawal operations on a bank account",
    'for a given list of input numbers, calculate mean absolute deviation',
    "insert a number 'delimeter' between every two consecutive elements",
    'from a given list of integers, generate a list of rolling maximum element',
    'find the shortest palindrome that begins with a supplied string',
    'input are two strings a and b consisting only of 1s and 0s',
    'input to this function is a string representing musical notes in a special ascii format',
    "input is a space-delimited string of numberals from 'zero' to 'nine'",
    'from a supplied list of numbers (of length at least two) select and return two that are the closest',
    'given list of numbers (of at least two elements), apply a linear transform to that list',
    'imagine a road that\'s a perfectly straight infinitely long line',
    'the fib4 number sequence is a sequence similar to the fibbonacci sequnece',
    'the fibfib number sequence is a sequence similar to the fibbonacci sequnece',
    'return the number of times the digit 7 appears in integers less than n which are divisible by 11 or 13',
    'returns encoded string by cycling groups of three characters',
    'returns encoded string by shifting every character by 5 in the alphabet',
    'remove_vowels is a function that takes string and returns string without vowels',
    'circular shift the digits of the integer x, shift the digits right by shift',
    'in this task, you will be given a string that represents a number of apples and oranges',
    'given an array representing a branch of a tree that has non-negative integer nodes',
    'write a function that returns true if the object q will fly',
    'it is the last week of the semester and the teacher has to give the grades',
    "you'll be given a string of words, and your task is to count the number of boredoms",
    'you are given a rectangular grid of wells',
    'in this kata, you have to sort an array of non-negative integers according to number of ones',
    "we have an array 'arr' of n integers arr[1], arr[2], ..., arr[n]",
    'everyone knows fibonacci sequence, it was studied deeply by mathematicians',
    'the brazilian factorial is defined as',
    'there are eight planets in our solar system: the closerst to the sun is mercury',
    'i think we all remember that feeling when the result of some long-awaited event is finally known',
    'you will be given the name of a class (a string) and a list of extensions',
    "you're a hungry rabbit, and you already have eaten a certain number of carrots",
    'given two lists operator, and operand. the first list has basic algebra operations',
    'given a positive integer n, return the count of the numbers of n-digit positive integers that start or end with 1',
    'you have been tasked to write a function that receives a hexadecimal number as a string',
    'create a function encrypt that takes a string as an argument and returns a string encrypted',
    "given a string 'text', return its md5 hash equivalent string",
    'given a positive integer, obtain its roman numeral equivalent as a string, and return it in lowercase',
]
_PHRASES = [re.sub(r'\s+', ' ', p) for p in HUMANEVAL_PHRASES]

_HARNESS = re.compile(r'def check\(candidate\)|\bassert candidate\(')
_MBPP = re.compile(r'\bwrite a (python )?function to\b|\bwrite a python function (that|which)\b')  # on lower-case text
# (cheap substring that must be present, marker); the substring test spares most files the regex.
_CONTEST_MARKERS = [
    ('-----', re.compile(r'-----\s*(Input|Output|Examples?|Note|Constraints|Sample Input|Sample Output)\s*-----')),
    ('he first line', re.compile(r'\b[Tt]he first line (of (the )?input )?contains (a single|an|one|two|three|the|integers?|t)\b')),
    ('Sample ', re.compile(r'\bSample (Input|Output)\b')),
    ('put Format', re.compile(r'\b(Input|Output) Format\b')),
    ('Print ', re.compile(r'\bPrint (the answer|a single integer|"YES"|YES)\b')),
    ('1', re.compile(r'\b1\s*(≤|<=|\\le)\s*[A-Za-z_|]+\s*(≤|<=|\\le)\s*10\s*\^?\s*\d')),
    ('imit', re.compile(r'\b(Time|Memory) [Ll]imit\b')),
]
_LEETCODE_EXAMPLE = re.compile(r'Example \d:|\bInput: \w+ = ')
_DATASET_ROWS = re.compile(r'HumanEval/\d|canonical_solution|test_setup_code|"test_list"\s*:')


def _defined_names(text):
    for m in _DEFINITION.finditer(text):
        name = m.group(1) or m.group(2) or m.group(3)
        if name:
            yield name, m.end()


def _examples_after(text, name, at):
    """HumanEval-style examples for `name` in the docstring/comment right after its definition: a doctest
    (">>> name(") or an example line that starts with the call ("name(1, 2) == 3", "name([1]) ➞ 4")."""
    window = text[at:at + 1200]
    n = re.escape(name)
    return bool(re.search(rf'>>>\s*{n}\(|^\s*(#|//|\*)?\s*{n}\([^\n]*\)\s*(==>?|=>|➞|->|=)\s*\S', window, re.M))


def check(text):
    """Name of the decontamination rule that drops `text`, or None."""
    defined = list(_defined_names(text))
    # A HumanEval solution is a small file with one or two functions.
    small = len(text) < GENERIC_MAX_CHARS and len(defined) <= GENERIC_MAX_FUNCTIONS
    distinctive = {_norm(name) for name, _ in defined} & _DISTINCTIVE
    # One distinctive name in a small file (a solution), or several anywhere (a collection of solutions);
    # one alone in a big file is ordinary code that happens to use the name (punycode's generate_integers).
    if distinctive and (small or len(distinctive) >= 2):
        return 'decontam_humaneval_name'
    for name, at in defined:
        if small and _norm(name) in _GENERIC and _examples_after(text, name, at):
            return 'decontam_humaneval_name'
    low = ' '.join(text.lower().split())
    if any(p in low for p in _PHRASES):
        return 'decontam_humaneval_phrase'
    if 'candidate' in text and _HARNESS.search(text):
        return 'decontam_humaneval_harness'
    if 'write a ' in low and _MBPP.search(low):
        return 'decontam_mbpp'
    if sum(1 for lit, m in _CONTEST_MARKERS if lit in text and m.search(text)) >= 2:
        return 'decontam_contest_statement'
    if 'class Solution' in text and _LEETCODE_EXAMPLE.search(text):
        return 'decontam_leetcode'
    if ('HumanEval/' in text or 'canonical_solution' in text or 'test_setup_code' in text
            or '"test_list"' in text) and _DATASET_ROWS.search(text):
        return 'decontam_benchmark_data'
    return None
